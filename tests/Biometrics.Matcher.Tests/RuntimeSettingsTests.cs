using System.Text.Json;

namespace Biometrics.Matcher.Tests;

/// <summary>The runtime settings the matcher's project puts in its runtimeconfig.json (docs/MATCHER.md, "Transport"),
/// so every way of starting it (./run.sh, the tests, the scripts, CI, a deployment) gets them without an environment variable.</summary>
public sealed class RuntimeSettingsTests
{
    [Theory]
    [InlineData("System.Runtime.TieredCompilation.CallCountingDelayMs", "0")]
    [InlineData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", "0")]
    [InlineData("System.GC.Server", "true")]
    [InlineData("System.GC.DynamicAdaptationMode", "0")]
    public void MatcherRuntimeConfig_Setting_HasTheMeasuredValue(string name, string expected)
    {
        // The referenced matcher's runtimeconfig.json is copied next to the tests.
        var path = Path.Combine(AppContext.BaseDirectory, "Biometrics.Matcher.runtimeconfig.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var properties = doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.True(properties.TryGetProperty(name, out var value), $"{name} is missing from {path}");
        Assert.Equal(expected, value.ToString().ToLowerInvariant());
    }
}
