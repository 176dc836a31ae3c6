using Biometrics.Matcher.Hosting;
using Microsoft.Extensions.Options;

namespace Biometrics.Matcher.Tests;

/// <summary>The Telemetry section (docs/OPERATIONS.md) is checked at start with the rest, each problem naming its key.</summary>
public sealed class TelemetrySettingsTests
{
    [Fact]
    public void Build_BadTelemetrySettings_ListedWithTheirKeys()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => MatcherHost.Build([
            "--Matcher:Url=https://127.0.0.1:50443", "--Matcher:Pipeline:Enabled=false",
            "--Telemetry:OtlpEndpoint=collector:4317", "--Telemetry:MetricsPort=70000", "--Telemetry:MetricsAddress=not-an-address",
        ]));
        Assert.Contains(ex.Failures, f => f.StartsWith("Telemetry:OtlpEndpoint 'collector:4317' must be", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Telemetry:MetricsPort must be", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Telemetry:MetricsAddress 'not-an-address'", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_MetricsPortIsTheApiPort_Refused()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => MatcherHost.Build([
            "--Matcher:Url=https://127.0.0.1:50443", "--Matcher:Pipeline:Enabled=false", "--Telemetry:MetricsPort=50443",
        ]));
        Assert.Contains(ex.Failures, f => f.StartsWith("Telemetry:MetricsPort 50443 is the port of Matcher:Url", StringComparison.Ordinal));
    }
}
