using Biometrics.Matcher.Policy;
using Biometrics.Matcher.Services;
using static Biometrics.Matcher.Core.Tests.Services.DomainServices;

namespace Biometrics.Matcher.Core.Tests.Services;

/// <summary>
/// <see cref="GateSessionStream"/> over the in-memory store: updates arrive on <see cref="GateSessionStream.Updates"/>
/// in order, the budget timer posts its REFER there with no probe, sessions end (superseded, cancelled, disposed) with
/// an audit record. Fusion: two probes at or above the threshold accept.
/// </summary>
public sealed class GateSessionStreamTests : IAsyncLifetime
{
    private readonly DomainServices _d = new(new SessionFusionOptions { StrongMatchMargin = 1, ProbesOverThresholdToAccept = 2, GoodProbesToReject = 2 });
    private readonly CancellationTokenSource _cts = new();
    private GateSessionStream _stream = null!;

    public async Task InitializeAsync()
    {
        _stream = _d.Sessions.Start("lane-3", _cts.Token);
        await _d.EnrolAsync("resident-1", 2);
    }

    public async Task DisposeAsync()
    {
        await _stream.DisposeAsync();
        await _cts.CancelAsync();
        _cts.Dispose();
        await _d.DisposeAsync();
    }

    private Task OpenAsync(ClaimInput claim, int budgetMs = 0, string id = "s1") =>
        _stream.OpenAsync(new GateSessionOpen("gate", "lane", claim, budgetMs, id)).WaitAsync(Bound, CancellationToken.None);

    private async Task<GateSessionUpdate> NextAsync() => await _stream.Updates.ReadAsync(_cts.Token).AsTask().WaitAsync(Bound, CancellationToken.None);

    [Fact]
    public async Task Probes_RetryThenTwoMatches_HintsThenAccepts()
    {
        await OpenAsync(Subject("resident-1"));
        await _stream.ProbeAsync(Probe(2, Good with { Sharpness = 5 }));
        await _stream.ProbeAsync(Probe(2));
        await _stream.ProbeAsync(Probe(2));
        var hint = await NextAsync();
        Assert.Equal((Decision.Retry, ReasonCodes.LowQualitySharpness, false), (hint.Result.Verdict.Decision, hint.Result.Verdict.Reason, hint.Final));
        var second = await NextAsync();
        Assert.Equal((Decision.Retry, false), (second.Result.Verdict.Decision, second.Final));
        var verdict = await NextAsync();
        Assert.Equal((Decision.Accept, true, "s1"), (verdict.Result.Verdict.Decision, verdict.Final, verdict.SessionId));
        Assert.Equal(0, _d.Sessions.ActiveSessions);
        var audit = await _d.LastAuditAsync();
        Assert.Equal(("lane-3", "GateSession", "ACCEPT", _d.Store.GetSubjectKey("resident-1").Hex), (audit.Actor, audit.Action, audit.Decision, audit.SubjectKey));
    }

    [Fact]
    public async Task Open_NoProbeWithinTheBudget_TimerPostsReferBudgetExhausted()
    {
        await OpenAsync(Subject("resident-1"), budgetMs: 100);
        Assert.Equal(1, _d.Sessions.ActiveSessions);
        var verdict = await NextAsync();
        Assert.Equal((Decision.Refer, ReasonCodes.BudgetExhausted, true), (verdict.Result.Verdict.Decision, verdict.Result.Verdict.Reason, verdict.Final));
        Assert.Equal(0, _d.Sessions.ActiveSessions);
        await _stream.ProbeAsync(Probe(2)); // after the verdict: ignored
        Assert.False(_stream.Updates.TryRead(out _));
    }

    [Fact]
    public async Task Open_StoreDown_RefersStoreUnavailable()
    {
        _d.Store.Available = false;
        await OpenAsync(Subject("resident-1"));
        var verdict = await NextAsync();
        Assert.Equal((Decision.Refer, ReasonCodes.StoreUnavailable, true), (verdict.Result.Verdict.Decision, verdict.Result.Verdict.Reason, verdict.Final));
    }

    [Fact]
    public async Task Open_UnknownSubject_RefersWithTheClaimsReason()
    {
        await OpenAsync(Subject("nobody"));
        var verdict = await NextAsync();
        Assert.Equal((Decision.Refer, "subject_unknown"), (verdict.Result.Verdict.Decision, verdict.Result.Verdict.Reason));
    }

    [Fact]
    public async Task Open_WhileASessionIsOpen_EndsItWithReferCancelled()
    {
        await OpenAsync(Subject("resident-1"), id: "first");
        await OpenAsync(Subject("resident-1"), id: "second");
        var ended = await NextAsync();
        Assert.Equal(("first", Decision.Refer, ReasonCodes.Cancelled), (ended.SessionId, ended.Result.Verdict.Decision, ended.Result.Verdict.Reason));
        Assert.Equal(1, _d.Sessions.ActiveSessions);
    }

    [Fact]
    public async Task Cancel_OpenSession_RefersCancelled()
    {
        await OpenAsync(Subject("resident-1"));
        _stream.Cancel();
        var verdict = await NextAsync();
        Assert.Equal((Decision.Refer, ReasonCodes.Cancelled, true), (verdict.Result.Verdict.Decision, verdict.Result.Verdict.Reason, verdict.Final));
    }

    [Fact]
    public async Task Probe_BeforeAnyOpen_IsInvalidArgument()
    {
        var ex = await Assert.ThrowsAsync<MatcherException>(() => _stream.ProbeAsync(Probe(2)));
        Assert.Equal((MatcherErrorKind.InvalidArgument, "no_session"), (ex.Kind, ex.Reason));
    }

    [Fact]
    public async Task Open_MalformedBudget_IsInvalidArgument()
    {
        var ex = await Assert.ThrowsAsync<MatcherException>(() => OpenAsync(Subject("resident-1"), budgetMs: 5));
        Assert.Equal("budget_ms", ex.Reason);
    }

    [Fact]
    public async Task Dispose_UndecidedSession_AuditsReferAndCompletesTheUpdates()
    {
        await OpenAsync(Subject("resident-1"));
        await _stream.DisposeAsync();
        Assert.False(await _stream.Updates.WaitToReadAsync(_cts.Token).AsTask().WaitAsync(Bound, CancellationToken.None));
        Assert.Equal(0, _d.Sessions.ActiveSessions);
        var audit = await _d.LastAuditAsync();
        Assert.Equal(("GateSession", "REFER"), (audit.Action, audit.Decision));
    }
}
