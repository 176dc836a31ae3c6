using System.Globalization;

namespace Biometrics.LoadTest.Reports;

/// <summary>The one wording of a scenario's server-reported time, shared by the HTML, Markdown and console renderings.</summary>
internal static class ServerTimeText
{
    /// <summary><paramref name="separator"/> and the server-side percentiles, or empty when the scenario's calls carry none.</summary>
    public static string Clause(ScenarioReport s, string separator) => s.ServerTime is { } t
        ? separator + string.Create(CultureInfo.InvariantCulture, $"server-side (reported by the server): p50 {t.P50Ms:0.###} ms, p99 {t.P99Ms:0.###} ms, max {t.MaxMs:0.###} ms")
        : string.Empty;
}
