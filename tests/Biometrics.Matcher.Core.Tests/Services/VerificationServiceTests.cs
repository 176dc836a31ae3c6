using Biometrics.Matcher.Services;
using static Biometrics.Matcher.Core.Tests.Services.DomainServices;

namespace Biometrics.Matcher.Core.Tests.Services;

/// <summary>
/// <see cref="VerificationService"/> over the in-memory store with the real comparer and decision table: claims that
/// reach the store, erasure, the store down, QR replay, the audit record. (The decision table itself:
/// <see cref="DecisionPathsTests"/>.)
/// </summary>
public sealed class VerificationServiceTests : IAsyncLifetime
{
    private readonly DomainServices _d = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _d.DisposeAsync();

    private Task<VerificationResult> VerifyAsync(ClaimInput claim, FaceInput probe, string requestId = "") =>
        _d.Verification.VerifyAsync(new VerifyCommand(claim, probe, "gate-7", RequestId: requestId), DateTime.MaxValue, CancellationToken.None)
            .WaitAsync(Bound, CancellationToken.None);

    [Fact]
    public async Task VerifyAsync_EnrolledSubjectSameFace_AcceptsAndAudits()
    {
        await _d.EnrolAsync("resident-1", 2);
        var result = await VerifyAsync(Subject("resident-1"), Probe(2), "req-1");
        Assert.Equal((Decision.Accept, ReasonCodes.Match), (result.Verdict.Decision, result.Verdict.Reason));
        Assert.Equal(1f, result.Verdict.Score);
        var audit = await _d.LastAuditAsync();
        Assert.Equal(("gate-7", "Verify", "ACCEPT"), (audit.Actor, audit.Action, audit.Decision));
        Assert.Equal(_d.Store.GetSubjectKey("resident-1").Hex, audit.SubjectKey);
        Assert.Equal(_d.Store.GetRequestPseudonym("req-1"), audit.RequestId);
        Assert.Equal(result.TransactionId, audit.TransactionId);
    }

    [Fact]
    public async Task VerifyAsync_EnrolledSubjectOtherFace_Rejects()
    {
        await _d.EnrolAsync("resident-1", 2);
        var result = await VerifyAsync(Subject("resident-1"), Probe(5));
        Assert.Equal((Decision.Reject, ReasonCodes.NoMatch), (result.Verdict.Decision, result.Verdict.Reason));
    }

    [Fact]
    public async Task VerifyAsync_ErasedSubject_IsNotFound()
    {
        await _d.EnrolAsync("resident-1", 2);
        await _d.Store.DeleteAsync("resident-1");
        var ex = await Assert.ThrowsAsync<MatcherException>(() => VerifyAsync(Subject("resident-1"), Probe(2)));
        Assert.Equal((MatcherErrorKind.NotFound, "subject_unknown"), (ex.Kind, ex.Reason));
    }

    [Fact]
    public async Task VerifyAsync_StoreDown_RefersNeverAccepts()
    {
        await _d.EnrolAsync("resident-1", 2);
        _d.Store.Available = false;
        var result = await VerifyAsync(Subject("resident-1"), Probe(2));
        Assert.Equal((Decision.Refer, ReasonCodes.StoreUnavailable), (result.Verdict.Decision, result.Verdict.Reason));
    }

    [Fact]
    public async Task VerifyAsync_QrTokenTwice_SecondIsAReplay()
    {
        await _d.EnrolAsync("resident-1", 2);
        var claim = new ClaimInput(ClaimKind.QrToken, _d.Qr.Issue("resident-1", TimeSpan.FromMinutes(5)));
        Assert.Equal(Decision.Accept, (await VerifyAsync(claim, Probe(2))).Verdict.Decision);
        var ex = await Assert.ThrowsAsync<MatcherException>(() => VerifyAsync(claim, Probe(2)));
        Assert.Equal("qr_replayed", ex.Reason);
    }

    [Fact]
    public async Task VerifyAsync_MalformedProbe_FailsBeforeTheQrNonceIsConsumed()
    {
        await _d.EnrolAsync("resident-1", 2);
        var claim = new ClaimInput(ClaimKind.QrToken, _d.Qr.Issue("resident-1", TimeSpan.FromMinutes(5)));
        var ex = await Assert.ThrowsAsync<MatcherException>(() => VerifyAsync(claim, FaceInput.FromEmbedding(new float[3], Model, Good)));
        Assert.Equal((MatcherErrorKind.InvalidArgument, "embedding_length"), (ex.Kind, ex.Reason));
        Assert.Equal(Decision.Accept, (await VerifyAsync(claim, Probe(2))).Verdict.Decision);
    }

    [Fact]
    public async Task VerifyAsync_ProbeOnTheWatchlist_RefersWithTheHit()
    {
        await _d.EnrolAsync("resident-1", 2);
        await _d.EnrolAsync("wanted", 2, "watchlist");
        await _d.Galleries.ReloadAsync(add => _d.Store.LoadSnapshotAsync(add));
        var result = await VerifyAsync(Subject("resident-1"), Probe(2));
        Assert.Equal((Decision.Refer, ReasonCodes.WatchlistHit), (result.Verdict.Decision, result.Verdict.Reason));
        Assert.Equal(_d.Store.GetSubjectKey("wanted").Hex, Assert.Single(result.Verdict.WatchlistHits).SubjectKey);
    }

    [Fact]
    public async Task VerifyAsync_WatchlistOfAnotherModel_HasNoHits()
    {
        await _d.EnrolAsync("resident-1", 2);
        await _d.Store.UpsertAsync(new Biometrics.Matcher.Store.TemplateRecord("wanted", Axis(2), "older-model", 0.9f, DateTimeOffset.UtcNow, ["watchlist"]));
        await _d.Galleries.ReloadAsync(add => _d.Store.LoadSnapshotAsync(add));
        var result = await VerifyAsync(Subject("resident-1"), Probe(2));
        Assert.Equal((Decision.Accept, 0), (result.Verdict.Decision, result.Verdict.WatchlistHits.Count));
    }
}
