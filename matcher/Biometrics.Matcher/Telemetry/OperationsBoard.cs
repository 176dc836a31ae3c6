using Biometrics.Contract;
using Biometrics.Matcher.Services;

namespace Biometrics.Matcher.Telemetry;

/// <summary>
/// What the console shows (docs/OPERATIONS.md, "Console"): the lanes with their open session and last verdict, the latest
/// verdicts and watchlist alerts (subject keys only, never images or templates), verdict rates of the last minute and
/// latency percentiles of the latest final verdicts, gallery sizes. In memory, bounded, this replica only. Thread-safe.
/// </summary>
public sealed class OperationsBoard
{
    private const int Recent = 50;
    private const int LatencyWindow = 2048;
    private const int RateSeconds = 60;
    private const int MaxLanes = 1000;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Gate, string Lane), LaneView> _lanes = [];
    private readonly Queue<VerdictView> _verdicts = new();
    private readonly Queue<AlertView> _alerts = new();
    private readonly double[] _latencies = new double[LatencyWindow];
    private readonly long[,] _rates = new long[RateSeconds, 4];
    private readonly long[] _rateSecond = new long[RateSeconds];
    private int _latencyCount;
    private int _latencyNext;
    private long _budgetMisses;
    private GalleryRegistry? _galleries;
    private Func<int>? _openSessions;

    internal void Observe(GalleryRegistry galleries, Func<int> openSessions)
    {
        _galleries = galleries;
        _openSessions = openSessions;
    }

    internal void SessionOpened(string gate, string lane, string sessionId)
    {
        lock (_lock)
        {
            var view = Lane(gate, lane);
            if (view is null) return;
            view.OpenSession = sessionId;
            view.OpenedAt = DateTimeOffset.UtcNow;
        }
    }

    internal void Verdict(string rpc, VerificationResult result, bool final, string gate, string lane, string? sessionId)
    {
        var v = result.Verdict;
        var now = DateTimeOffset.UtcNow;
        var decision = DecisionNames.Of(v.Decision);
        var budgetMiss = final && v.Reason == ReasonCodes.BudgetExhausted;
        lock (_lock)
        {
            if (Lane(gate, lane) is { } view)
            {
                view.LastDecision = decision;
                view.LastReason = v.Reason;
                view.LastScore = v.Score;
                view.LastAt = now;
                view.Verdicts++;
                if (budgetMiss) view.BudgetMisses++;
                if (final && view.OpenSession == sessionId) view.OpenSession = null;
            }

            if (budgetMiss) _budgetMisses++;
            Enqueue(_verdicts, new VerdictView(now, rpc, gate, lane, sessionId ?? "", decision, v.Reason, v.Score, final, result.Timings.TotalMs, result.TransactionId));
            foreach (var hit in v.WatchlistHits)
            {
                Enqueue(_alerts, new AlertView(now, gate, lane, hit.Gallery, hit.SubjectKey, hit.Score, hit.Threshold, result.TransactionId));
            }

            var second = now.ToUnixTimeSeconds();
            var slot = (int)(second % RateSeconds);
            if (_rateSecond[slot] != second)
            {
                _rateSecond[slot] = second;
                for (var d = 0; d < 4; d++) _rates[slot, d] = 0;
            }

            if (DecisionIndex(v.Decision) is var di and >= 0) _rates[slot, di]++;
            if (final)
            {
                _latencies[_latencyNext] = result.Timings.TotalMs;
                _latencyNext = (_latencyNext + 1) % LatencyWindow;
                _latencyCount = Math.Min(_latencyCount + 1, LatencyWindow);
            }
        }
    }

    /// <summary>A consistent copy of everything the console shows.</summary>
    public BoardSnapshot Snapshot()
    {
        var now = DateTimeOffset.UtcNow;
        var galleries = _galleries?.Describe().Select(g => new GalleryView(g.Name, g.ModelId, g.Count)).ToArray() ?? [];
        lock (_lock)
        {
            var second = now.ToUnixTimeSeconds();
            var perMinute = new long[4];
            for (var s = 0; s < RateSeconds; s++)
            {
                if (second - _rateSecond[s] >= RateSeconds) continue;
                for (var d = 0; d < 4; d++) perMinute[d] += _rates[s, d];
            }

            var latencies = _latencies.AsSpan(0, _latencyCount).ToArray();
            Array.Sort(latencies);
            return new BoardSnapshot(now, _openSessions?.Invoke() ?? 0, _budgetMisses,
                _lanes.Values.OrderBy(l => l.Gate, StringComparer.Ordinal).ThenBy(l => l.Lane, StringComparer.Ordinal).Select(l => l.Copy()).ToArray(),
                _verdicts.Reverse().ToArray(), _alerts.Reverse().ToArray(),
                new RateView(perMinute[0], perMinute[1], perMinute[2], perMinute[3]),
                new LatencyView(latencies.Length, Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99)),
                galleries);
        }
    }

    private LaneView? Lane(string gate, string lane)
    {
        if (_lanes.TryGetValue((gate, lane), out var view)) return view;
        if (_lanes.Count >= MaxLanes) return null; // bounded: a misbehaving caller cannot grow it without limit
        view = new LaneView { Gate = gate, Lane = lane };
        _lanes[(gate, lane)] = view;
        return view;
    }

    private static void Enqueue<T>(Queue<T> queue, T item)
    {
        if (queue.Count == Recent) queue.Dequeue();
        queue.Enqueue(item);
    }

    private static int DecisionIndex(Decision d) => d switch
    {
        Decision.Accept => 0,
        Decision.Reject => 1,
        Decision.Retry => 2,
        Decision.Refer => 3,
        _ => -1,
    };

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>One lane as the console shows it.</summary>
public sealed class LaneView
{
    public string Gate { get; init; } = "";

    public string Lane { get; init; } = "";

    /// <summary>The session open on the lane (no final verdict yet), or null.</summary>
    public string? OpenSession { get; set; }

    public DateTimeOffset? OpenedAt { get; set; }

    public string? LastDecision { get; set; }

    public string? LastReason { get; set; }

    public float? LastScore { get; set; }

    public DateTimeOffset? LastAt { get; set; }

    public long Verdicts { get; set; }

    public long BudgetMisses { get; set; }

    internal LaneView Copy() => (LaneView)MemberwiseClone();
}

/// <summary>A verdict as the console lists it.</summary>
public sealed record VerdictView(DateTimeOffset At, string Rpc, string Gate, string Lane, string SessionId, string Decision, string Reason, float? Score,
    bool Final, double TotalMs, string TransactionId);

/// <summary>A watchlist alert: the pseudonymous subject key, never an image or a template.</summary>
public sealed record AlertView(DateTimeOffset At, string Gate, string Lane, string Gallery, string SubjectKey, float Score, float Threshold, string TransactionId);

/// <summary>Verdicts of the last 60 s by decision.</summary>
public sealed record RateView(long Accept, long Reject, long Retry, long Refer);

/// <summary>Server-side time from receipt to verdict of the latest final verdicts, milliseconds.</summary>
public sealed record LatencyView(int Count, double P50Ms, double P95Ms, double P99Ms);

/// <summary>One in-memory gallery.</summary>
public sealed record GalleryView(string Name, string ModelId, int Templates);

/// <summary>Everything the console shows at one moment.</summary>
public sealed record BoardSnapshot(DateTimeOffset At, int OpenSessions, long BudgetMisses, LaneView[] Lanes, VerdictView[] Verdicts, AlertView[] Alerts,
    RateView PerMinute, LatencyView Latency, GalleryView[] Galleries);
