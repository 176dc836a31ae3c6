using System.Diagnostics;
using System.Diagnostics.Metrics;
using Biometrics.Contract;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Store;

namespace Biometrics.Matcher.Telemetry;

/// <summary>
/// The matcher's one <see cref="Meter"/> and one <see cref="ActivitySource"/> (both named <see cref="Name"/>), and the
/// instruments of docs/OPERATIONS.md: verdicts by decision and reason (REFER causes are the REFER verdicts' reasons),
/// missed budgets, watchlist hits, enrolments, stage times, store latency, gallery sizes and open gate sessions. The gRPC
/// adaptor and the host record into it; per-RPC latency comes from ASP.NET Core's own <c>http.server.request.duration</c>
/// (its <c>http.route</c> is the gRPC method). Also feeds the console's <see cref="OperationsBoard"/>. Thread-safe.
/// </summary>
public sealed class MatcherTelemetry
{
    /// <summary>Name of the meter and of the activity source.</summary>
    public const string Name = "Biometrics.Matcher";

    /// <summary>Spans of the matcher's own work (the store calls); the gRPC server spans are ASP.NET Core's.</summary>
    public static readonly ActivitySource Source = new(Name);

    // Seconds, from 0.1 ms (a store read on loopback) to 10 s (a budget far overrun).
    private static readonly double[] s_buckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> _verdicts;
    private readonly Counter<long> _budgetMisses;
    private readonly Counter<long> _watchlistHits;
    private readonly Counter<long> _enrolments;
    private readonly Histogram<double> _stages;
    private readonly Histogram<double> _store;
    private readonly Meter _meter;

    /// <summary>Creates the instruments on a meter from <paramref name="meters"/>.</summary>
    public MatcherTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(Name);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = s_buckets };
        _verdicts = _meter.CreateCounter<long>("biometrics.matcher.verdicts", "{verdict}",
            "Verdicts sent, by RPC, decision and reason (RETRY hints included, final=false).");
        _budgetMisses = _meter.CreateCounter<long>("biometrics.matcher.budget.missed", "{verdict}",
            "Final verdicts REFER budget_exhausted: the lane's budget ran out before a decision.");
        _watchlistHits = _meter.CreateCounter<long>("biometrics.matcher.watchlist.hits", "{hit}", "Watchlist hits attached to verdicts, by gallery.");
        _enrolments = _meter.CreateCounter<long>("biometrics.matcher.enrolments", "{enrolment}", "Enrolment answers by status (replays included).");
        _stages = _meter.CreateHistogram("biometrics.matcher.stage.duration", "s",
            "Server-side time of the stages of a decision (claim, pipeline, compare, watchlist, policy, total).", advice: advice);
        _store = _meter.CreateHistogram("biometrics.matcher.store.duration", "s", "Template store (Redis) calls, by operation and outcome.", advice: advice);
    }

    /// <summary>Live lanes, recent verdicts, alerts and rates for the console.</summary>
    public OperationsBoard Board { get; } = new();

    /// <summary>Registers the observable gauges: gallery sizes and open gate sessions.</summary>
    public void Observe(GalleryRegistry galleries, Func<int> openSessions)
    {
        ArgumentNullException.ThrowIfNull(galleries);
        ArgumentNullException.ThrowIfNull(openSessions);
        Board.Observe(galleries, openSessions);
        _meter.CreateObservableGauge("biometrics.matcher.gallery.size", () => galleries.Describe().Select(g =>
                new Measurement<long>(g.Count, new KeyValuePair<string, object?>("gallery", g.Name), new KeyValuePair<string, object?>("model", g.ModelId))),
            "{template}", "Templates in each in-memory gallery of this replica.");
        _meter.CreateObservableCounter("biometrics.matcher.changes", () => Enum.GetValues<TemplateChangeKind>().Select(k =>
                new Measurement<long>(galleries.AppliedChanges(k), new KeyValuePair<string, object?>("kind", k.ToString().ToLowerInvariant()))),
            "{change}", "Subjects of the store's change stream this replica followed, by kind (skipped: split galleries, of another part, not fetched nor decrypted).");
        _meter.CreateObservableUpDownCounter("biometrics.matcher.gate_sessions.open", () => (long)openSessions(), "{session}",
            "Gate sessions open on this replica.");
    }

    /// <summary>Records a verdict sent to a lane (<paramref name="rpc"/>: <c>verify</c> or <c>gate_session</c>).</summary>
    public void Verdict(string rpc, VerificationResult result, bool final, string gate, string lane, string? sessionId = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var v = result.Verdict;
        var decision = DecisionNames.Of(v.Decision);
        _verdicts.Add(1, new("rpc", rpc), new("decision", decision), new("reason", v.Reason), new("final", final));
        if (final && v.Reason == ReasonCodes.BudgetExhausted) _budgetMisses.Add(1, new KeyValuePair<string, object?>("rpc", rpc));
        foreach (var hit in v.WatchlistHits) _watchlistHits.Add(1, new KeyValuePair<string, object?>("gallery", hit.Gallery));
        var t = result.Timings;
        Stage("claim", t.ClaimMs);
        Stage("pipeline", t.PipelineMs);
        Stage("compare", t.CompareMs);
        Stage("watchlist", t.WatchlistMs);
        Stage("policy", t.PolicyMs);
        Stage("total", t.TotalMs);
        Board.Verdict(rpc, result, final, gate, lane, sessionId);
    }

    /// <summary>Records a gate session opened on a lane.</summary>
    public void SessionOpened(string gate, string lane, string sessionId) => Board.SessionOpened(gate, lane, sessionId);

    /// <summary>Records an enrolment answer.</summary>
    public void Enrolment(EnrolOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        _enrolments.Add(1, new("status", outcome.Status.ToString()), new("replayed", outcome.Replayed));
    }

    /// <summary>Records one store call.</summary>
    public void StoreCall(string operation, long startTimestamp, bool ok) =>
        _store.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, new("operation", operation), new("outcome", ok ? "ok" : "error"));

    private void Stage(string stage, double ms)
    {
        if (ms > 0) _stages.Record(ms / 1000, new KeyValuePair<string, object?>("stage", stage));
    }
}
