using Biometrics.Testing;

namespace Biometrics.Edge.IntegrationTests.Cli;

/// <summary>Several matcher addresses on the command line: repeated or comma-separated, checked before anything runs.</summary>
public sealed class MatcherAddressTests
{
    [Theory]
    [InlineData("http://127.0.0.1:1,https://127.0.0.1:2", "all http:// or all https://")]
    [InlineData("http://127.0.0.1:1,ftp://127.0.0.1:2", "matcher address 'ftp://127.0.0.1:2' must be http://host:port or https://host:port")]
    [InlineData("http://127.0.0.1:1,http://127.0.0.1:1", "is given twice")]
    [InlineData(",", "no matcher address given")]
    public async Task Status_BadMatcherList_ExitCode2WithMessage(string list, string message)
    {
        var run = await CliRun.RunAsync("status", "--matcher", list);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_RepeatedMatcherNothingListening_ExitCode1DidNotAnswer()
    {
        var run = await CliRun.RunAsync("status", "--matcher", $"http://127.0.0.1:{FreePort.Next()}", "--matcher", $"http://127.0.0.1:{FreePort.Next()}",
            "--token", "x", "--connect-timeout-ms", "200");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("did not answer", run.Error, StringComparison.Ordinal);
    }
}
