using System.Diagnostics;
using System.Threading.Channels;
using Biometrics.Matcher.Policy;

namespace Biometrics.Matcher.Services;

/// <summary>
/// The sessions of one lane stream, one at a time: open (claim resolved, budget timer started), probes (fused by
/// <see cref="SessionFusion"/>; RETRY hints on the way, the final verdict as soon as the policy decides), cancel. A timer
/// per session posts REFER (<c>budget_exhausted</c>) into the session when the budget runs out even if no probe arrives.
/// Probes after a final verdict are ignored until the next open. Every update for the lane (RETRY hints, verdicts) goes
/// to <see cref="Updates"/>, in order, which the transport drains; nothing here writes to the lane. Methods are called by
/// the stream's read loop (one at a time); the timer runs concurrently and is synchronised here.
/// </summary>
public sealed class GateSessionStream : IAsyncDisposable
{
    private readonly FaceResolver _faces;
    private readonly ClaimResolver _claims;
    private readonly WatchlistScreener _watchlist;
    private readonly ModelCatalog _models;
    private readonly AuditTrail _audit;
    private readonly MatchingOptions _options;
    private readonly TimeProvider _time;
    private readonly SessionCounter _open;
    private readonly string _actor;
    private readonly CancellationToken _cancellationToken;
    private readonly Channel<GateSessionUpdate> _updates = Channel.CreateUnbounded<GateSessionUpdate>(new UnboundedChannelOptions { SingleReader = true });
    private Session? _current;
    private int _sessions;

    internal GateSessionStream(FaceResolver faces, ClaimResolver claims, WatchlistScreener watchlist, ModelCatalog models, AuditTrail audit,
        MatchingOptions options, TimeProvider time, SessionCounter open, string actor, CancellationToken cancellationToken)
    {
        _faces = faces;
        _claims = claims;
        _watchlist = watchlist;
        _models = models;
        _audit = audit;
        _options = options;
        _time = time;
        _open = open;
        _actor = actor;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The updates for the lane, in order; completed when the stream is disposed.</summary>
    public ChannelReader<GateSessionUpdate> Updates => _updates.Reader;

    /// <summary>Opens a session (a still-open previous one ends with REFER <c>cancelled</c>).</summary>
    /// <exception cref="MatcherException">INVALID_ARGUMENT for a malformed open message.</exception>
    public async Task OpenAsync(GateSessionOpen open)
    {
        ArgumentNullException.ThrowIfNull(open);
        if (open.GateId.Length is 0 or > 64 || open.LaneId.Length is 0 or > 64)
        {
            throw MatcherException.Invalid("gate_lane", "gate_id and lane_id must be 1..64 characters.");
        }

        if (open.BudgetMs != 0 && open.BudgetMs is < 100 or > 60_000)
        {
            throw MatcherException.Invalid("budget_ms", "budget_ms must be 100..60000 (0 = server default).");
        }

        if (open.SessionId.Length > 64) throw MatcherException.Invalid("session_id", "session_id must be at most 64 characters.");
        if (_current is { } previous) Finish(previous, s => s.Fusion?.Cancel() ?? Refer(ReasonCodes.Cancelled, "superseded by a new session"));

        var budget = TimeSpan.FromMilliseconds(open.BudgetMs == 0 ? _options.DefaultSessionBudgetMs : open.BudgetMs);
        var id = open.SessionId.Length > 0 ? open.SessionId : "s" + Interlocked.Increment(ref _sessions).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var session = new Session(id, open, Stopwatch.GetTimestamp(), TransactionIds.Next());
        _current = session;
        _open.Opened();
        session.Timer = _time.CreateTimer(static s =>
        {
            var (stream, sess) = ((GateSessionStream, Session))s!;
            stream.Finish(sess, x => x.Fusion?.BudgetExhausted() ?? Refer(ReasonCodes.BudgetExhausted, "the time budget ran out before the claim could be checked"));
        }, (this, session), budget, Timeout.InfiniteTimeSpan);

        try
        {
            var claim = await _claims.ResolveAsync(open.Claim, budget, _cancellationToken).ConfigureAwait(false);
            lock (session)
            {
                session.Claim = claim;
                session.Fusion = new SessionFusion(_models.VerifyThreshold(claim.Reference.ModelId), _options.ProbeQuality, _options.Session);
            }
        }
        catch (MatcherException ex)
        {
            Finish(session, _ => Refer(ex.Reason, ex.Message));
        }
        catch (StoreUnavailableException ex)
        {
            Finish(session, _ => Refer(ReasonCodes.StoreUnavailable, ex.Message));
        }
    }

    /// <summary>Adds a probe to the open session.</summary>
    /// <exception cref="MatcherException">INVALID_ARGUMENT when no session was ever opened on this stream.</exception>
    public async Task ProbeAsync(FaceInput probe)
    {
        var session = _current ?? throw MatcherException.Invalid("no_session", "Open a session (GateSessionOpen) before sending probes.");
        if (session.IsFinal || session.Fusion is null) return;
        var start = Stopwatch.GetTimestamp();
        FaceVector? face;
        try
        {
            face = await _faces.ResolveAsync(probe, "probe", _cancellationToken).ConfigureAwait(false);
        }
        catch (MatcherException ex)
        {
            SendRetry(session, ex.Reason, ex.Message);
            return;
        }

        var pipelineMs = probe.IsImage ? Stopwatch.GetElapsedTime(start).TotalMilliseconds : 0;
        IReadOnlyList<WatchlistHit> hits = [];
        var comparison = Comparison.None;
        double watchMs = 0, compareMs = 0;
        if (face is not null)
        {
            var w = Stopwatch.GetTimestamp();
            hits = await _watchlist.ScreenAsync(face, _cancellationToken).ConfigureAwait(false);
            watchMs = Stopwatch.GetElapsedTime(w).TotalMilliseconds;
            var c = Stopwatch.GetTimestamp();
            comparison = FaceComparer.Compare(face, session.Claim!.Reference);
            compareMs = Stopwatch.GetElapsedTime(c).TotalMilliseconds;
        }

        PolicyVerdict verdict;
        lock (session)
        {
            if (session.IsFinal) return;
            verdict = session.Fusion.AddProbe(face?.Quality ?? ProbeQuality.Unmeasured, comparison.Score, hits, comparison.ModelMismatch);
            if (verdict.IsFinal)
            {
                session.IsFinal = true;
            }
        }

        var times = new StageTimes(session.Claim?.ClaimMs ?? 0, pipelineMs, compareMs, watchMs, 0, Stopwatch.GetElapsedTime(session.Started).TotalMilliseconds);
        if (verdict.IsFinal)
        {
            Complete(session, verdict, times);
        }
        else
        {
            Send(new GateSessionUpdate(session.Id, new VerificationResult(verdict, session.Claim?.Reference.ModelId ?? "", session.TransactionId, times), false));
        }
    }

    /// <summary>The lane gave up on the traveller: the session ends with REFER (<c>cancelled</c>).</summary>
    public void Cancel()
    {
        if (_current is { } s) Finish(s, x => x.Fusion?.Cancel() ?? Refer(ReasonCodes.Cancelled, "the lane cancelled the session"));
    }

    /// <summary>
    /// Stops the timers and completes <see cref="Updates"/> (the stream ended); an undecided session is audited as REFER
    /// without being sent.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        if (_current is { } s)
        {
            s.Timer?.Dispose();
            var decided = false;
            lock (s)
            {
                if (!s.IsFinal)
                {
                    s.IsFinal = true;
                    decided = true;
                }
            }

            if (decided)
            {
                _open.Closed();
                _audit.Record(_actor, "GateSession", DecisionNames.Of(Decision.Refer), null, s.Claim?.Reference.ModelId, s.TransactionId, s.Claim?.SubjectKey);
            }
        }

        _updates.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    private static PolicyVerdict Refer(string reason, string text) =>
        new(Decision.Refer, reason, text, null, float.NaN, [], 0, IsFinal: true);

    private void Finish(Session session, Func<Session, PolicyVerdict> decide)
    {
        PolicyVerdict verdict;
        lock (session)
        {
            if (session.IsFinal) return;
            session.IsFinal = true;
            verdict = decide(session);
        }

        var times = new StageTimes(session.Claim?.ClaimMs ?? 0, 0, 0, 0, 0, Stopwatch.GetElapsedTime(session.Started).TotalMilliseconds);
        Complete(session, verdict, times);
    }

    private void Complete(Session session, PolicyVerdict verdict, StageTimes times)
    {
        session.Timer?.Dispose();
        _open.Closed();
        var modelId = session.Claim?.Reference.ModelId ?? "";
        _audit.Record(_actor, "GateSession", DecisionNames.Of(verdict.Decision), verdict.Score, modelId, session.TransactionId, session.Claim?.SubjectKey);
        Send(new GateSessionUpdate(session.Id, new VerificationResult(verdict, modelId, session.TransactionId, times), true));
    }

    private void SendRetry(Session session, string reason, string text)
    {
        var verdict = new PolicyVerdict(Decision.Retry, reason, text, session.Fusion?.FusedScore, session.Fusion?.Threshold ?? float.NaN, [], 0, IsFinal: false);
        var times = new StageTimes(0, 0, 0, 0, 0, Stopwatch.GetElapsedTime(session.Started).TotalMilliseconds);
        Send(new GateSessionUpdate(session.Id, new VerificationResult(verdict, session.Claim?.Reference.ModelId ?? "", session.TransactionId, times), false));
    }

    // Unbounded: a lane gets at most one update per message it sent plus the timer's verdict. After disposal (the
    // stream ended) the write is dropped: the lane is gone.
    private void Send(GateSessionUpdate update) => _updates.Writer.TryWrite(update);

    private sealed class Session(string id, GateSessionOpen open, long started, string transactionId)
    {
        public string Id { get; } = id;

        public GateSessionOpen Open { get; } = open;

        public long Started { get; } = started;

        public string TransactionId { get; } = transactionId;

        public ITimer? Timer { get; set; }

        public ResolvedClaim? Claim { get; set; }

        public SessionFusion? Fusion { get; set; }

        public bool IsFinal { get; set; }
    }
}
