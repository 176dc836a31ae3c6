using System.Globalization;

namespace Biometrics.LoadTest.Reports;

/// <summary>
/// Service-level objectives checked against every scenario of a run (command-line flags <c>--p50-ms</c>,
/// <c>--p99-ms</c>, <c>--p999-ms</c>, <c>--server-p99-ms</c>, <c>--min-rps</c>, <c>--max-error-rate</c>, <c>--max-drop-rate</c>).
/// A missed objective makes the tool exit with code 1.
/// </summary>
public sealed record SloTargets
{
    /// <summary>Most allowed p50 latency, ms.</summary>
    public double? P50Ms { get; init; }

    /// <summary>Most allowed p99 latency, ms.</summary>
    public double? P99Ms { get; init; }

    /// <summary>Most allowed p99.9 latency, ms.</summary>
    public double? P999Ms { get; init; }

    /// <summary>Most allowed p99 of the time the server reports for its own part, ms (fails when it reports none).</summary>
    public double? ServerP99Ms { get; init; }

    /// <summary>Least successful steps per second.</summary>
    public double? MinRps { get; init; }

    /// <summary>Most allowed share of failed steps (0..1).</summary>
    public double? MaxErrorRate { get; init; }

    /// <summary>Most allowed share of dropped steps (0..1).</summary>
    public double? MaxDropRate { get; init; }

    /// <summary>True when no objective is set.</summary>
    public bool IsEmpty => P50Ms is null && P99Ms is null && P999Ms is null && ServerP99Ms is null && MinRps is null && MaxErrorRate is null && MaxDropRate is null;

    /// <summary>Checks every objective against every scenario.</summary>
    public IReadOnlyList<SloCheck> Evaluate(RunReport report)
    {
        var checks = new List<SloCheck>();
        foreach (var s in report.Scenarios)
        {
            Max(checks, s.Name, "p50", P50Ms, s.Latency.P50Ms, " ms");
            Max(checks, s.Name, "p99", P99Ms, s.Latency.P99Ms, " ms");
            Max(checks, s.Name, "p99.9", P999Ms, s.Latency.P999Ms, " ms");
            Max(checks, s.Name, "server-side p99", ServerP99Ms, s.ServerTime?.P99Ms ?? double.PositiveInfinity, " ms");
            Max(checks, s.Name, "error rate", MaxErrorRate, s.ErrorRate, string.Empty);
            Max(checks, s.Name, "drop rate", MaxDropRate, s.DropRate, string.Empty);
            if (MinRps is { } min)
            {
                checks.Add(new SloCheck(s.Name, F($"ok/s >= {min:0.###}"), F($"{s.OkRps:0.#}"), s.OkRps >= min));
            }
        }

        return checks;
    }

    private static void Max(List<SloCheck> checks, string scenario, string what, double? limit, double actual, string unit)
    {
        if (limit is { } l)
        {
            checks.Add(new SloCheck(scenario, F($"{what} <= {l:0.#####}{unit}"), F($"{actual:0.#####}{unit}"), actual <= l));
        }
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
