using Biometrics.Matcher.Policy;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Store;

namespace Biometrics.Matcher.Core.Tests.Services;

/// <summary>
/// One table of cases run through both RPC paths, unary Verify (<see cref="VerificationService"/>) and a gate session
/// (<see cref="GateSessionStream"/>, with the fusion rules set so that one probe decides): the same inputs must get the
/// same decision and reason (docs/POLICY.md, section 4). Claims are reference templates, so no store is read.
/// </summary>
public sealed class DecisionPathsTests : IAsyncLifetime
{
    private static readonly ProbeQuality Good = DomainServices.Good;

    private readonly DomainServices _d = new(
        new SessionFusionOptions { StrongMatchMargin = 0, ProbesOverThresholdToAccept = 1, GoodProbesToReject = 1 }, new NeverFinishingEmbedder());

    /// <summary>A case: the probe (model, direction, quality, or an image the pipeline never finishes) and the claim.</summary>
    public sealed record Case(string Name, string ProbeModel, int ProbeAxis, ProbeQuality Quality, string ClaimModel, int ClaimAxis,
        Decision Expected, string Reason, bool SlowImage = false)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases() => new()
    {
        new("match", "m", 0, Good, "m", 0, Decision.Accept, ReasonCodes.Match),
        new("no match", "m", 1, Good, "m", 0, Decision.Reject, ReasonCodes.NoMatch),
        new("blurred, high score", "m", 0, Good with { Sharpness = 5 }, "m", 0, Decision.Retry, ReasonCodes.LowQualitySharpness),
        new("low liveness", "m", 0, Good with { Liveness = 0.1f }, "m", 0, Decision.Retry, ReasonCodes.Liveness),
        new("unmeasured quality, match", "m", 0, ProbeQuality.Unmeasured, "m", 0, Decision.Accept, ReasonCodes.Match),
        new("uncalibrated model, good probe", "u", 0, Good, "u", 0, Decision.Refer, ReasonCodes.NoThreshold),
        new("uncalibrated model, blurred probe", "u", 0, Good with { Sharpness = 5 }, "u", 0, Decision.Retry, ReasonCodes.LowQualitySharpness),
        new("model mismatch", "m2", 0, Good, "m", 0, Decision.Refer, ReasonCodes.ModelMismatch),
        new("model mismatch, blurred", "m2", 0, Good with { Sharpness = 5 }, "m", 0, Decision.Refer, ReasonCodes.ModelMismatch),
        new("watchlist hit on a match", "m", 2, Good, "m", 2, Decision.Refer, ReasonCodes.WatchlistHit),
        new("watchlist hit on a blurred probe", "m", 2, Good with { Sharpness = 5 }, "m", 0, Decision.Refer, ReasonCodes.WatchlistHit),
        new("budget gone", "u", 0, Good, "m", 0, Decision.Refer, ReasonCodes.BudgetExhausted, SlowImage: true),
    };

    public async Task InitializeAsync()
    {
        await _d.Store.UpsertAsync(new TemplateRecord("wanted", DomainServices.Axis(2), "m", 0.9f, DateTimeOffset.UtcNow, ["watchlist"]));
        await _d.Galleries.ReloadAsync(add => _d.Store.LoadSnapshotAsync(add));
    }

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Verify_Case_GetsTheTableDecision(Case c)
    {
        var deadline = c.SlowImage ? DateTime.UtcNow.AddMilliseconds(150) : DateTime.MaxValue;
        var result = await _d.Verification.VerifyAsync(new VerifyCommand(Claim(c), Probe(c), "test"), deadline, CancellationToken.None).WaitAsync(DomainServices.Bound, CancellationToken.None);
        Assert.Equal((c.Expected, c.Reason), (result.Verdict.Decision, result.Verdict.Reason));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task GateSession_Case_GetsTheTableDecision(Case c)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken.None);
        await using var stream = _d.Sessions.Start("test", cts.Token);
        await stream.OpenAsync(new GateSessionOpen("gate", "lane", Claim(c), c.SlowImage ? 150 : 0, "s1")).WaitAsync(DomainServices.Bound, cts.Token);
        var probe = stream.ProbeAsync(Probe(c));
        if (!c.SlowImage) await probe.WaitAsync(DomainServices.Bound, cts.Token);
        var update = await stream.Updates.ReadAsync(cts.Token).AsTask().WaitAsync(DomainServices.Bound, cts.Token);
        Assert.Equal((c.Expected, c.Reason), (update.Result.Verdict.Decision, update.Result.Verdict.Reason));
        Assert.Equal(c.Expected != Decision.Retry, update.Final);
        await cts.CancelAsync();
        try
        {
            await probe.WaitAsync(DomainServices.Bound, CancellationToken.None); // the slow probe ends with the stream's cancellation
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static ClaimInput Claim(Case c) =>
        new(ClaimKind.ReferenceTemplate, Reference: FaceInput.FromEmbedding(DomainServices.Axis(c.ClaimAxis), c.ClaimModel));

    private static FaceInput Probe(Case c) =>
        c.SlowImage ? FaceInput.FromImage(new byte[] { 1, 2, 3 }) : FaceInput.FromEmbedding(DomainServices.Axis(c.ProbeAxis), c.ProbeModel, c.Quality);

    /// <summary>A face pipeline that does not finish before the caller gives up (the budget runs out meanwhile).</summary>
    private sealed class NeverFinishingEmbedder : IFaceEmbedder
    {
        public string ModelId => "u";

        public async Task<FaceVector?> EmbedAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            return null;
        }
    }
}
