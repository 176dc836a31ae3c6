namespace Biometrics.LoadTest.Reports;

/// <summary>One point of the latency distribution: the latency at or below which a share of steps finished.</summary>
/// <param name="Percentile">0..100.</param>
/// <param name="LatencyMs">Latency at that percentile, milliseconds.</param>
public sealed record PercentilePoint(double Percentile, double LatencyMs);
