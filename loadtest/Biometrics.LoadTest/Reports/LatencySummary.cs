using Biometrics.LoadTest.Histograms;

namespace Biometrics.LoadTest.Reports;

/// <summary>Latency figures in milliseconds taken from a <see cref="LatencyHistogram"/> of nanoseconds.</summary>
public sealed class LatencySummary
{
    /// <summary>Number of values.</summary>
    public long Count { get; init; }

    /// <summary>Smallest value (exact).</summary>
    public double MinMs { get; init; }

    /// <summary>Mean value.</summary>
    public double MeanMs { get; init; }

    /// <summary>50th percentile (nearest rank, bucket upper bound).</summary>
    public double P50Ms { get; init; }

    /// <summary>90th percentile.</summary>
    public double P90Ms { get; init; }

    /// <summary>99th percentile.</summary>
    public double P99Ms { get; init; }

    /// <summary>99.9th percentile.</summary>
    public double P999Ms { get; init; }

    /// <summary>Largest value (exact).</summary>
    public double MaxMs { get; init; }

    /// <summary>Summarises <paramref name="histogram"/>.</summary>
    public static LatencySummary From(LatencyHistogram histogram) => new()
    {
        Count = histogram.TotalCount,
        MinMs = Ms(histogram.Min),
        MeanMs = histogram.Mean / 1e6,
        P50Ms = Ms(histogram.ValueAtPercentile(50)),
        P90Ms = Ms(histogram.ValueAtPercentile(90)),
        P99Ms = Ms(histogram.ValueAtPercentile(99)),
        P999Ms = Ms(histogram.ValueAtPercentile(99.9)),
        MaxMs = Ms(histogram.Max),
    };

    private static double Ms(long ns) => ns / 1e6;
}
