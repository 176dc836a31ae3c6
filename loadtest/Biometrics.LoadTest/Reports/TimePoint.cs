namespace Biometrics.LoadTest.Reports;

/// <summary>
/// One second of a measured run. Counts of sent, ok, errors and dropped belong to the second in which the step
/// was <em>scheduled</em>, as do the latency figures; <see cref="Completed"/> counts the steps that
/// <em>finished</em> in this second (the achieved throughput).
/// </summary>
public sealed class TimePoint
{
    /// <summary>Seconds since the end of warm-up.</summary>
    public int Second { get; init; }

    /// <summary>Steps sent (scheduled and not dropped).</summary>
    public long Sent { get; init; }

    /// <summary>Steps that succeeded.</summary>
    public long Ok { get; init; }

    /// <summary>Steps that failed.</summary>
    public long Errors { get; init; }

    /// <summary>Steps not sent because too many were in flight.</summary>
    public long Dropped { get; init; }

    /// <summary>Steps that finished in this second, whatever their schedule.</summary>
    public long Completed { get; init; }

    /// <summary>Most steps in flight at once during this second.</summary>
    public long InFlightMax { get; init; }

    /// <summary>Request messages sent by the steps scheduled in this second (see <c>StepResult.Messages</c>).</summary>
    public long Messages { get; init; }

    /// <summary>Median latency (ms) of steps scheduled in this second.</summary>
    public double P50Ms { get; init; }

    /// <summary>90th percentile latency (ms).</summary>
    public double P90Ms { get; init; }

    /// <summary>99th percentile latency (ms).</summary>
    public double P99Ms { get; init; }

    /// <summary>Largest latency (ms).</summary>
    public double MaxMs { get; init; }
}
