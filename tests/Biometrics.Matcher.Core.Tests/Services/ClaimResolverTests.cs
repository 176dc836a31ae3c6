using Biometrics.Matcher.Services;
using static Biometrics.Matcher.Core.Tests.Services.DomainServices;

namespace Biometrics.Matcher.Core.Tests.Services;

/// <summary><see cref="ClaimResolver"/> over the in-memory store: what each claim resolves to, and how it fails.</summary>
public sealed class ClaimResolverTests : IAsyncLifetime
{
    private readonly DomainServices _d = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task ResolveAsync_EnrolledSubject_GivesTheStoredTemplateAndPseudonym()
    {
        await _d.EnrolAsync("resident-1", 3);
        var claim = await _d.Claims.ResolveAsync(Subject("resident-1"), Bound, CancellationToken.None);
        Assert.Equal(Axis(3), claim.Reference.Vector);
        Assert.Equal(Model, claim.Reference.ModelId);
        Assert.Equal(_d.Store.GetSubjectKey("resident-1").Hex, claim.SubjectKey);
    }

    [Fact]
    public async Task ScoreAsync_EnrolledSubject_ScoresInTheStoreAsCompareWould()
    {
        await _d.EnrolAsync("resident-1", 3);
        var probe = new FaceVector(Axis(3), Model, Good);
        var scored = await _d.Claims.ScoreAsync(Subject("resident-1"), probe, Bound, CancellationToken.None);
        var resolved = await _d.Claims.ResolveAsync(Subject("resident-1"), Bound, CancellationToken.None);
        Assert.Equal(FaceComparer.Compare(probe, resolved.Reference), scored.Comparison);
        Assert.Equal((Model, resolved.SubjectKey), (scored.ModelId, scored.SubjectKey));

        var other = await _d.Claims.ScoreAsync(Subject("resident-1"), new FaceVector(Axis(3), "m2", Good), Bound, CancellationToken.None);
        Assert.Equal(new Comparison(null, ModelMismatch: true), other.Comparison);
        Assert.Equal(Model, other.ModelId);
    }

    [Fact]
    public async Task ScoreAsync_UnknownSubjectOrReplayedQr_FailsAsResolveAsync()
    {
        await _d.EnrolAsync("resident-1", 3);
        var probe = new FaceVector(Axis(3), Model, Good);
        var unknown = await Assert.ThrowsAsync<MatcherException>(() => _d.Claims.ScoreAsync(Subject("nobody"), probe, Bound, CancellationToken.None));
        Assert.Equal((MatcherErrorKind.NotFound, "subject_unknown"), (unknown.Kind, unknown.Reason));

        var qr = new ClaimInput(ClaimKind.QrToken, _d.Qr.Issue("resident-1", TimeSpan.FromMinutes(5)));
        Assert.Equal(1f, (await _d.Claims.ScoreAsync(qr, probe, Bound, CancellationToken.None)).Comparison.Score);
        var replay = await Assert.ThrowsAsync<MatcherException>(() => _d.Claims.ScoreAsync(qr, probe, Bound, CancellationToken.None));
        Assert.Equal((MatcherErrorKind.PermissionDenied, "qr_replayed"), (replay.Kind, replay.Reason));
    }

    [Fact]
    public async Task ResolveAsync_ReEnrolledSubject_GivesTheNewTemplate()
    {
        await _d.EnrolAsync("resident-1", 3);
        await _d.EnrolAsync("resident-1", 4);
        var claim = await _d.Claims.ResolveAsync(Subject("resident-1"), Bound, CancellationToken.None);
        Assert.Equal(Axis(4), claim.Reference.Vector);
    }

    [Fact]
    public async Task ResolveAsync_UnknownOrErasedSubject_IsNotFound()
    {
        await _d.EnrolAsync("resident-1", 3);
        Assert.True(await _d.Store.DeleteAsync("resident-1"));
        foreach (var id in new[] { "resident-1", "nobody" })
        {
            var ex = await Assert.ThrowsAsync<MatcherException>(() => _d.Claims.ResolveAsync(Subject(id), Bound, CancellationToken.None));
            Assert.Equal((MatcherErrorKind.NotFound, "subject_unknown"), (ex.Kind, ex.Reason));
        }
    }

    [Fact]
    public async Task ResolveAsync_StoreDown_IsStoreUnavailable()
    {
        await _d.EnrolAsync("resident-1", 3);
        _d.Store.Available = false;
        await Assert.ThrowsAsync<StoreUnavailableException>(() => _d.Claims.ResolveAsync(Subject("resident-1"), Bound, CancellationToken.None));
    }

    [Fact]
    public async Task ResolveAsync_NoTimeLeft_IsStoreUnavailableWithoutAStoreCall()
    {
        await _d.EnrolAsync("resident-1", 3);
        var calls = _d.Store.Calls;
        await Assert.ThrowsAsync<StoreUnavailableException>(() => _d.Claims.ResolveAsync(Subject("resident-1"), TimeSpan.Zero, CancellationToken.None));
        Assert.Equal(calls, _d.Store.Calls);
    }

    [Fact]
    public async Task ResolveAsync_CallerCancelled_IsCancellationNotStoreFailure()
    {
        await _d.EnrolAsync("resident-1", 3);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _d.Claims.ResolveAsync(Subject("resident-1"), Bound, cts.Token));
    }

    [Fact]
    public async Task ResolveAsync_QrToken_ResolvesOnceThenIsAReplay()
    {
        await _d.EnrolAsync("resident-1", 3);
        var claim = new ClaimInput(ClaimKind.QrToken, _d.Qr.Issue("resident-1", TimeSpan.FromMinutes(5)));
        var first = await _d.Claims.ResolveAsync(claim, Bound, CancellationToken.None);
        Assert.Equal(_d.Store.GetSubjectKey("resident-1").Hex, first.SubjectKey);
        var ex = await Assert.ThrowsAsync<MatcherException>(() => _d.Claims.ResolveAsync(claim, Bound, CancellationToken.None));
        Assert.Equal((MatcherErrorKind.PermissionDenied, "qr_replayed"), (ex.Kind, ex.Reason));
    }

    [Fact]
    public async Task ResolveAsync_QrTokenFromAnotherIssuer_IsRefusedBeforeTheStore()
    {
        using var other = new Biometrics.Matcher.Security.QrTokenIssuer("someone-else", Biometrics.Matcher.Security.DevKeys.CreateQrIssuerKey());
        var ex = await Assert.ThrowsAsync<MatcherException>(() =>
            _d.Claims.ResolveAsync(new ClaimInput(ClaimKind.QrToken, other.Issue("resident-1", TimeSpan.FromMinutes(5))), Bound, CancellationToken.None));
        Assert.Equal((MatcherErrorKind.PermissionDenied, "qr_unknown_issuer"), (ex.Kind, ex.Reason));
        Assert.Equal(0, _d.Store.Calls);
    }

    [Fact]
    public async Task ResolveAsync_ReferenceTemplate_IsNormalisedAndNeedsNoStore()
    {
        var claim = new ClaimInput(ClaimKind.ReferenceTemplate, Reference: FaceInput.FromEmbedding(new float[] { 3, 4, 0, 0, 0, 0, 0, 0 }, Model));
        var resolved = await _d.Claims.ResolveAsync(claim, Bound, CancellationToken.None);
        Assert.Equal(new float[] { 0.6f, 0.8f, 0, 0, 0, 0, 0, 0 }, resolved.Reference.Vector);
        Assert.Null(resolved.SubjectKey);
        Assert.Equal(0, _d.Store.Calls);
    }
}
