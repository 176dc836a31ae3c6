using System.Diagnostics;
using Biometrics.Matcher.Policy;

namespace Biometrics.Matcher.Services;

/// <summary>
/// The sessions of one lane stream, one at a time: open (claim resolved, budget timer started), probes (fused by
/// <see cref="SessionFusion"/>; RETRY hints on the way, the final verdict as soon as the policy decides), cancel. A timer
/// per session sends REFER (<c>budget_exhausted</c>) when the budget runs out even if no probe arrives. Probes after a
/// final verdict are ignored until the next open. Methods are called by the stream's read loop (one at a time); the
/// timer runs concurrently and is synchronised here.
/// </summary>
public sealed class GateSessionStream : IAsyncDisposable
{
    private readonly GateSessionService _service;
    private readonly string _actor;
    private readonly Func<GateSessionUpdate, Task> _send;
    private readonly CancellationToken _cancellationToken;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Session? _current;
    private int _sessions;

    internal GateSessionStream(GateSessionService service, string actor, Func<GateSessionUpdate, Task> send, CancellationToken cancellationToken)
    {
        _service = service;
        _actor = actor;
        _send = send;
        _cancellationToken = cancellationToken;
    }

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
        if (_current is { } previous) await FinishAsync(previous, s => s.Fusion?.Cancel() ?? Refer(ReasonCodes.Cancelled, "superseded by a new session")).ConfigureAwait(false);

        var budget = TimeSpan.FromMilliseconds(open.BudgetMs == 0 ? _service.Options.DefaultSessionBudgetMs : open.BudgetMs);
        var id = open.SessionId.Length > 0 ? open.SessionId : "s" + Interlocked.Increment(ref _sessions).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var session = new Session(id, open, Stopwatch.GetTimestamp(), TransactionIds.Next());
        _current = session;
        _service.SessionStarted();
        session.Timer = _service.Time.CreateTimer(static s =>
        {
            var (stream, sess) = ((GateSessionStream, Session))s!;
            _ = stream.FinishAsync(sess, x => x.Fusion?.BudgetExhausted() ?? Refer(ReasonCodes.BudgetExhausted, "the time budget ran out before the claim could be checked"));
        }, (this, session), budget, Timeout.InfiniteTimeSpan);

        try
        {
            var claim = await _service.Claims.ResolveAsync(open.Claim, budget, _cancellationToken).ConfigureAwait(false);
            lock (session)
            {
                session.Claim = claim;
                session.Fusion = GateSessionService.NewFusion(_service.Models.VerifyThreshold(claim.Reference.ModelId), _service.Options);
            }
        }
        catch (MatcherException ex)
        {
            await FinishAsync(session, _ => Refer(ex.Reason, ex.Message)).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            await FinishAsync(session, _ => Refer(ReasonCodes.StoreUnavailable, ex.Message)).ConfigureAwait(false);
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
            face = await _service.Faces.ResolveAsync(probe, "probe", _cancellationToken).ConfigureAwait(false);
        }
        catch (MatcherException ex)
        {
            await SendRetryAsync(session, ex.Reason, ex.Message).ConfigureAwait(false);
            return;
        }

        var pipelineMs = probe.IsImage ? Stopwatch.GetElapsedTime(start).TotalMilliseconds : 0;
        IReadOnlyList<WatchlistHit> hits = [];
        var comparison = Comparison.None;
        double watchMs = 0, compareMs = 0;
        if (face is not null)
        {
            var w = Stopwatch.GetTimestamp();
            hits = await _service.Watchlist.ScreenAsync(face, _cancellationToken).ConfigureAwait(false);
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
            await CompleteAsync(session, verdict, times).ConfigureAwait(false);
        }
        else
        {
            await SendAsync(new GateSessionUpdate(session.Id, new VerificationResult(verdict, session.Claim?.Reference.ModelId ?? "", session.TransactionId, times), false)).ConfigureAwait(false);
        }
    }

    /// <summary>The lane gave up on the traveller: the session ends with REFER (<c>cancelled</c>).</summary>
    public Task CancelAsync() =>
        _current is { } s ? FinishAsync(s, x => x.Fusion?.Cancel() ?? Refer(ReasonCodes.Cancelled, "the lane cancelled the session")) : Task.CompletedTask;

    /// <summary>Stops the timers (the stream ended); an undecided session is audited as REFER without being sent.</summary>
    public async ValueTask DisposeAsync()
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
                _service.SessionEnded();
                _service.Audit.Record(_actor, "GateSession", "REFER", null, s.Claim?.Reference.ModelId, s.TransactionId, s.Claim?.SubjectKey);
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private static PolicyVerdict Refer(string reason, string text) =>
        new(Decision.Refer, reason, text, null, float.NaN, [], 0, IsFinal: true);

    private async Task FinishAsync(Session session, Func<Session, PolicyVerdict> decide)
    {
        PolicyVerdict verdict;
        lock (session)
        {
            if (session.IsFinal) return;
            session.IsFinal = true;
            verdict = decide(session);
        }

        var times = new StageTimes(session.Claim?.ClaimMs ?? 0, 0, 0, 0, 0, Stopwatch.GetElapsedTime(session.Started).TotalMilliseconds);
        await CompleteAsync(session, verdict, times).ConfigureAwait(false);
    }

    private async Task CompleteAsync(Session session, PolicyVerdict verdict, StageTimes times)
    {
        session.Timer?.Dispose();
        _service.SessionEnded();
        var modelId = session.Claim?.Reference.ModelId ?? "";
        _service.Audit.Record(_actor, "GateSession", DecisionNames.Of(verdict.Decision), verdict.Score, modelId, session.TransactionId, session.Claim?.SubjectKey);
        try
        {
            await SendAsync(new GateSessionUpdate(session.Id, new VerificationResult(verdict, modelId, session.TransactionId, times), true)).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // the lane is gone (or its stream broke): the read loop ends the call
        }
    }

    private Task SendRetryAsync(Session session, string reason, string text)
    {
        var verdict = new PolicyVerdict(Decision.Retry, reason, text, session.Fusion?.FusedScore, session.Fusion?.Threshold ?? float.NaN, [], 0, IsFinal: false);
        var times = new StageTimes(0, 0, 0, 0, 0, Stopwatch.GetElapsedTime(session.Started).TotalMilliseconds);
        return SendAsync(new GateSessionUpdate(session.Id, new VerificationResult(verdict, session.Claim?.Reference.ModelId ?? "", session.TransactionId, times), false));
    }

    private async Task SendAsync(GateSessionUpdate update)
    {
        await _sendLock.WaitAsync(_cancellationToken).ConfigureAwait(false);
        try
        {
            await _send(update).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

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
