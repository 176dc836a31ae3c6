namespace Biometrics.LoadTest.Reports;

/// <summary>Everything measured for one scenario of a run (what the JSON report holds per scenario).</summary>
public sealed class ScenarioReport
{
    /// <summary>Scenario name.</summary>
    public required string Name { get; init; }

    /// <summary>Target description (address, method).</summary>
    public required string Target { get; init; }

    /// <summary><c>open</c> or <c>closed</c>.</summary>
    public required string Model { get; init; }

    /// <summary><c>uniform</c> or <c>poisson</c> arrivals (open model).</summary>
    public required string Arrival { get; init; }

    /// <summary>The load phases, as text.</summary>
    public required IReadOnlyList<string> Simulations { get; init; }

    /// <summary>Free-form settings.</summary>
    public required IReadOnlyDictionary<string, string> Settings { get; init; }

    /// <summary>Warm-up length (not measured), seconds.</summary>
    public double WarmUpSeconds { get; init; }

    /// <summary>Measured length (timeline after warm-up), seconds.</summary>
    public double MeasuredSeconds { get; init; }

    /// <summary>In-flight bound.</summary>
    public int MaxInFlight { get; init; }

    /// <summary>Most steps in flight at once after warm-up (gate sessions: lanes streaming at the same time).</summary>
    public long PeakInFlight { get; init; }

    /// <summary>Request messages sent by multi-message steps (probes of gate sessions); 0 for unary scenarios.</summary>
    public long Messages { get; init; }

    /// <summary><see cref="Messages"/> per measured second.</summary>
    public double MessagesPerSecond { get; init; }

    /// <summary>Gate sessions that could not start on one matcher (no connection) and ran on another.</summary>
    public long SessionsRerouted { get; init; }

    /// <summary>Gate sessions whose stream was cut (reset, connection lost) and that, re-opened on another matcher, got their verdict within the lane's budget.</summary>
    public long SessionsReopenedInTime { get; init; }

    /// <summary>Gate sessions cut or not started that got no verdict within the lane's budget on any matcher.</summary>
    public long SessionsLost { get; init; }

    /// <summary>Steps scheduled after warm-up (sent + dropped).</summary>
    public long Scheduled { get; init; }

    /// <summary>Steps sent after warm-up.</summary>
    public long Sent { get; init; }

    /// <summary>Steps that succeeded.</summary>
    public long Ok { get; init; }

    /// <summary>Steps that failed (any non-OK status, exceptions, unfinished).</summary>
    public long Errors { get; init; }

    /// <summary>Steps not sent because <see cref="MaxInFlight"/> were in flight.</summary>
    public long Dropped { get; init; }

    /// <summary>Steps still running when the drain timeout ran out (also counted in <see cref="Errors"/>).</summary>
    public long Unfinished { get; init; }

    /// <summary>Steps run during warm-up (not in any other figure).</summary>
    public long WarmUpSteps { get; init; }

    /// <summary>Scheduled steps per second (the asked rate, as achieved by the scheduler).</summary>
    public double OfferedRps { get; init; }

    /// <summary>Finished steps (ok or not) per measured second.</summary>
    public double ThroughputRps { get; init; }

    /// <summary>Successful steps per measured second.</summary>
    public double OkRps { get; init; }

    /// <summary>Errors / (sent); 0 when nothing was sent.</summary>
    public double ErrorRate { get; init; }

    /// <summary>Dropped / scheduled.</summary>
    public double DropRate { get; init; }

    /// <summary>Latency from the scheduled time to the answer (what a user sees; no coordinated omission).</summary>
    public required LatencySummary Latency { get; init; }

    /// <summary>Latency from the actual send to the answer (excludes scheduler lag; compare with <see cref="Latency"/>).</summary>
    public required LatencySummary ServiceTime { get; init; }

    /// <summary>
    /// The time the server reports for its own part (a verdict's <c>timings.total_ms</c>, from receipt to verdict), or
    /// null when the scenario's calls carry none. Compare with <see cref="Latency"/>: the rest is network, HTTP/2 and
    /// queueing in front of the handler, and the load generator.
    /// </summary>
    public LatencySummary? ServerTime { get; init; }

    /// <summary>Relative error bound of every latency percentile.</summary>
    public double HistogramRelativeError { get; init; }

    /// <summary>Counts per status label.</summary>
    public required IReadOnlyDictionary<string, long> Statuses { get; init; }

    /// <summary>Counts per verdict label.</summary>
    public required IReadOnlyDictionary<string, long> Verdicts { get; init; }

    /// <summary>Per-second figures after warm-up.</summary>
    public required IReadOnlyList<TimePoint> TimeSeries { get; init; }

    /// <summary>The latency distribution as percentile points (0 .. 99.999 and max).</summary>
    public required IReadOnlyList<PercentilePoint> Distribution { get; init; }
}
