using System.Collections.Concurrent;
using System.Diagnostics;
using Biometrics.LoadTest.Histograms;
using Biometrics.LoadTest.Reports;

namespace Biometrics.LoadTest.Engine;

/// <summary>
/// The counters and histograms of one running scenario. Every method is thread-safe (interlocked counters,
/// lock-free histograms); a step scheduled before the end of warm-up touches only the warm-up counter.
/// </summary>
public sealed class ScenarioStatistics
{
    /// <summary>Mantissa bits of the whole-run histograms (relative error 2^-9, about 0.2 %).</summary>
    public const int SubBucketBits = 10;

    /// <summary>Mantissa bits of the per-second histograms (about 3 %, enough for charts).</summary>
    public const int SeriesSubBucketBits = 6;

    private static readonly double s_nsPerTick = 1e9 / Stopwatch.Frequency;

    private readonly long _measureStart;
    private readonly long _ticksPerSecond = Stopwatch.Frequency;
    private readonly Second[] _seconds;
    private readonly long[] _completedBySecond;
    private readonly ConcurrentDictionary<string, StrongBox> _statuses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StrongBox> _verdicts = new(StringComparer.Ordinal);
    private long _sent, _ok, _errors, _dropped, _unfinished, _warmUp, _completedTotal, _messages, _peakInFlight;
    private long _rerouted, _reopenedInTime, _lost;

    /// <summary>Creates the statistics of a timeline whose measured part starts at <paramref name="measureStartTimestamp"/>.</summary>
    public ScenarioStatistics(long measureStartTimestamp, TimeSpan measuredDuration, TimeSpan drain)
    {
        _measureStart = measureStartTimestamp;
        var seconds = (int)Math.Ceiling(measuredDuration.TotalSeconds);
        _seconds = new Second[Math.Max(1, seconds)];
        for (var i = 0; i < _seconds.Length; i++)
        {
            _seconds[i] = new Second();
        }

        _completedBySecond = new long[_seconds.Length + (int)Math.Ceiling(drain.TotalSeconds) + 2];
    }

    /// <summary>Latency from the scheduled time to completion, nanoseconds.</summary>
    public LatencyHistogram Latency { get; } = new(SubBucketBits);

    /// <summary>Latency from the actual start to completion, nanoseconds.</summary>
    public LatencyHistogram ServiceTime { get; } = new(SubBucketBits);

    /// <summary>Time the server reports for its own part of each call, nanoseconds (only steps that carry one).</summary>
    public LatencyHistogram ServerTime { get; } = new(SubBucketBits);

    /// <summary>Steps sent after warm-up.</summary>
    public long Sent => Volatile.Read(ref _sent);

    /// <summary>Successful steps after warm-up.</summary>
    public long Ok => Volatile.Read(ref _ok);

    /// <summary>Failed steps after warm-up.</summary>
    public long Errors => Volatile.Read(ref _errors);

    /// <summary>Dropped steps after warm-up.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Steps run during warm-up.</summary>
    public long WarmUpSteps => Volatile.Read(ref _warmUp);

    /// <summary>Steps finished (warm-up included): the progress view's rate is its first difference.</summary>
    public long CompletedTotal => Volatile.Read(ref _completedTotal);

    /// <summary>Most steps in flight at once after warm-up (for gate sessions: lanes streaming at the same time).</summary>
    public long PeakInFlight => Volatile.Read(ref _peakInFlight);

    /// <summary>Whether a step due at <paramref name="scheduledTimestamp"/> is part of warm-up.</summary>
    public bool IsWarmUp(long scheduledTimestamp) => scheduledTimestamp < _measureStart;

    /// <summary>Counts a step that was sent.</summary>
    public void OnSent(long scheduledTimestamp)
    {
        if (IsWarmUp(scheduledTimestamp))
        {
            Interlocked.Increment(ref _warmUp);
            return;
        }

        Interlocked.Increment(ref _sent);
        Interlocked.Increment(ref SecondOf(scheduledTimestamp).Sent);
    }

    /// <summary>
    /// Notes that <paramref name="inFlight"/> steps were outstanding when a step due at <paramref name="scheduledTimestamp"/>
    /// was sent. In-flight only grows at a send, so the maximum over these samples is the true peak.
    /// </summary>
    public void OnInFlight(long scheduledTimestamp, long inFlight)
    {
        if (IsWarmUp(scheduledTimestamp))
        {
            return;
        }

        InterlockedExtremes.Max(ref _peakInFlight, inFlight);
        InterlockedExtremes.Max(ref SecondOf(scheduledTimestamp).InFlightMax, inFlight);
    }

    /// <summary>Counts a step that was due but not sent because too many were in flight.</summary>
    public void OnDropped(long scheduledTimestamp)
    {
        if (IsWarmUp(scheduledTimestamp))
        {
            return;
        }

        Interlocked.Increment(ref _dropped);
        Interlocked.Increment(ref SecondOf(scheduledTimestamp).Dropped);
        Count(_statuses, "DROPPED");
    }

    /// <summary>Records a finished step.</summary>
    public void OnCompleted(long scheduledTimestamp, long startTimestamp, long endTimestamp, in StepResult result)
    {
        Interlocked.Increment(ref _completedTotal);
        if (IsWarmUp(scheduledTimestamp))
        {
            return;
        }

        var latency = ToNs(endTimestamp - scheduledTimestamp);
        Latency.Record(latency);
        ServiceTime.Record(ToNs(endTimestamp - startTimestamp));
        if (result.ServerNanoseconds > 0)
        {
            ServerTime.Record(result.ServerNanoseconds);
        }

        var second = SecondOf(scheduledTimestamp);
        second.Latency.Record(latency);
        var done = (endTimestamp - _measureStart) / _ticksPerSecond;
        Interlocked.Increment(ref _completedBySecond[Math.Clamp(done, 0, _completedBySecond.Length - 1)]);
        if (result.IsOk)
        {
            Interlocked.Increment(ref _ok);
            Interlocked.Increment(ref second.Ok);
        }
        else
        {
            Interlocked.Increment(ref _errors);
            Interlocked.Increment(ref second.Errors);
        }

        if (result.Messages > 0)
        {
            Interlocked.Add(ref _messages, result.Messages);
            Interlocked.Add(ref second.Messages, result.Messages);
        }

        switch (result.Recovery)
        {
            case SessionRecovery.Rerouted:
                Interlocked.Increment(ref _rerouted);
                break;
            case SessionRecovery.ReopenedInTime:
                Interlocked.Increment(ref _reopenedInTime);
                break;
            case SessionRecovery.Lost:
                Interlocked.Increment(ref _lost);
                break;
            default:
                break;
        }

        Count(_statuses, result.Status);
        if (result.Verdict is not null)
        {
            Count(_verdicts, result.Verdict);
        }
    }

    /// <summary>Counts steps still running after the drain timeout as errors with status <c>UNFINISHED</c>.</summary>
    public void OnUnfinished(long count)
    {
        if (count <= 0)
        {
            return;
        }

        Interlocked.Add(ref _unfinished, count);
        Interlocked.Add(ref _errors, count);
        _statuses.GetOrAdd("UNFINISHED", static _ => new StrongBox()).Add(count);
    }

    /// <summary>Builds the report of this scenario.</summary>
    public ScenarioReport ToReport(Scenario scenario)
    {
        var measured = scenario.TotalDuration - scenario.WarmUp;
        var secs = Math.Max(measured.TotalSeconds, 1e-9);
        var completed = Ok + Errors - Volatile.Read(ref _unfinished);
        var scheduled = Sent + Dropped;
        var series = new List<TimePoint>(_seconds.Length);
        for (var i = 0; i < _seconds.Length; i++)
        {
            var s = _seconds[i];
            series.Add(new TimePoint
            {
                Second = i,
                Sent = s.Sent,
                Ok = s.Ok,
                Errors = s.Errors,
                Dropped = s.Dropped,
                Completed = Volatile.Read(ref _completedBySecond[i]),
                InFlightMax = Volatile.Read(ref s.InFlightMax),
                Messages = Volatile.Read(ref s.Messages),
                P50Ms = s.Latency.ValueAtPercentile(50) / 1e6,
                P90Ms = s.Latency.ValueAtPercentile(90) / 1e6,
                P99Ms = s.Latency.ValueAtPercentile(99) / 1e6,
                MaxMs = s.Latency.Max / 1e6,
            });
        }

        double[] points = [0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 97.5, 98, 98.5, 99, 99.5, 99.75, 99.9, 99.95, 99.99, 99.999, 100];
        return new ScenarioReport
        {
            Name = scenario.Name,
            Target = scenario.Target.Description,
            Model = scenario.IsClosedModel ? "closed" : "open",
            Arrival = scenario.IsClosedModel ? "closed-loop" : scenario.Arrival.ToString().ToLowerInvariant(),
            Simulations = scenario.Simulations.Select(Describe).ToList(),
            Settings = scenario.Settings,
            WarmUpSeconds = scenario.WarmUp.TotalSeconds,
            MeasuredSeconds = measured.TotalSeconds,
            MaxInFlight = scenario.MaxInFlight,
            PeakInFlight = PeakInFlight,
            Messages = Volatile.Read(ref _messages),
            MessagesPerSecond = Volatile.Read(ref _messages) / secs,
            SessionsRerouted = Volatile.Read(ref _rerouted),
            SessionsReopenedInTime = Volatile.Read(ref _reopenedInTime),
            SessionsLost = Volatile.Read(ref _lost),
            Scheduled = scheduled,
            Sent = Sent,
            Ok = Ok,
            Errors = Errors,
            Dropped = Dropped,
            Unfinished = Volatile.Read(ref _unfinished),
            WarmUpSteps = WarmUpSteps,
            OfferedRps = scheduled / secs,
            ThroughputRps = completed / secs,
            OkRps = Ok / secs,
            ErrorRate = Sent == 0 ? 0 : (double)Errors / Sent,
            DropRate = scheduled == 0 ? 0 : (double)Dropped / scheduled,
            Latency = LatencySummary.From(Latency),
            ServiceTime = LatencySummary.From(ServiceTime),
            ServerTime = ServerTime.TotalCount == 0 ? null : LatencySummary.From(ServerTime),
            HistogramRelativeError = Latency.RelativeError,
            Statuses = Snapshot(_statuses),
            Verdicts = Snapshot(_verdicts),
            TimeSeries = series,
            Distribution = Latency.TotalCount == 0 ? [] : points.Select(p => new PercentilePoint(p, Latency.ValueAtPercentile(p) / 1e6)).ToList(),
        };
    }

    /// <summary>Human-readable form of a load phase.</summary>
    public static string Describe(LoadSimulation simulation) => simulation switch
    {
        LoadSimulation.Inject i => $"Inject(rate: {i.Rate:0.###}, interval: {i.Interval.TotalSeconds:0.###}s, during: {i.During.TotalSeconds:0.###}s)",
        LoadSimulation.RampingInject r => $"RampingInject(rate: {r.Rate:0.###}, interval: {r.Interval.TotalSeconds:0.###}s, during: {r.During.TotalSeconds:0.###}s)",
        LoadSimulation.Pause p => $"Pause(during: {p.During.TotalSeconds:0.###}s)",
        LoadSimulation.KeepConstant k => $"KeepConstant(copies: {k.Copies}, during: {k.During.TotalSeconds:0.###}s)",
        _ => simulation.ToString(),
    };

    private static long ToNs(long ticks) => s_nsPerTick == 1.0 ? ticks : (long)(ticks * s_nsPerTick);

    private static void Count(ConcurrentDictionary<string, StrongBox> map, string key)
        => map.GetOrAdd(key, static _ => new StrongBox()).Add(1);

    private static Dictionary<string, long> Snapshot(ConcurrentDictionary<string, StrongBox> map)
        => map.OrderByDescending(kv => kv.Value.Value).ToDictionary(kv => kv.Key, kv => kv.Value.Value, StringComparer.Ordinal);

    private Second SecondOf(long scheduledTimestamp)
    {
        var i = (scheduledTimestamp - _measureStart) / _ticksPerSecond;
        return _seconds[Math.Clamp(i, 0, _seconds.Length - 1)];
    }

    private sealed class Second
    {
        public long Sent;
        public long Ok;
        public long Errors;
        public long Dropped;
        public long InFlightMax;
        public long Messages;
        public readonly LatencyHistogram Latency = new(SeriesSubBucketBits);
    }

    private sealed class StrongBox
    {
        private long _value;

        public long Value => Volatile.Read(ref _value);

        public void Add(long n) => Interlocked.Add(ref _value, n);
    }
}
