using Biometrics.LoadTest.Http2;

namespace Biometrics.LoadTest.Tests.Http2;

public sealed class InlineSocketCompletionsTests
{
    [Fact]
    public void PreferInlineSocketCompletions_SetsTheSwitchUnlessTheEnvironmentHasIt()
    {
        const string name = Http2Connection.InlineSocketCompletionsVariable;
        var before = Environment.GetEnvironmentVariable(name);
        try
        {
            Environment.SetEnvironmentVariable(name, "0");
            Http2Connection.PreferInlineSocketCompletions();
            Assert.Equal("0", Environment.GetEnvironmentVariable(name));

            Environment.SetEnvironmentVariable(name, null);
            Http2Connection.PreferInlineSocketCompletions();
            Assert.Equal("1", Environment.GetEnvironmentVariable(name));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, before);
        }
    }
}
