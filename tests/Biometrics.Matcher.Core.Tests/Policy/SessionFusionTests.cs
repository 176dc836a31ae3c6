using Biometrics.Matcher.Policy;

namespace Biometrics.Matcher.Core.Tests.Policy;

public sealed class SessionFusionTests
{
    private const float Threshold = 0.41f;
    private static readonly ProbeQuality Good = QualityLimitsTests.Good;

    private static SessionFusion NewSession(SessionFusionOptions? o = null) => new(Threshold, new QualityLimits(), o);

    [Fact]
    public void AddProbe_StrongMatch_AcceptsAtOnce()
    {
        var v = NewSession().AddProbe(Good, Threshold + 0.1f);
        Assert.Equal(Decision.Accept, v.Decision);
        Assert.True(v.IsFinal);
        Assert.Equal(1, v.ProbesUsed);
    }

    [Fact]
    public void AddProbe_TwoProbesJustOverThreshold_AcceptsOnTheSecond()
    {
        var s = NewSession();
        var first = s.AddProbe(Good, Threshold + 0.01f);
        Assert.Equal(Decision.Retry, first.Decision);
        Assert.False(first.IsFinal);
        var second = s.AddProbe(Good, Threshold + 0.02f);
        Assert.Equal(Decision.Accept, second.Decision);
        Assert.Equal(Threshold + 0.015f, second.Score!.Value, 5); // mean of the top two
    }

    [Fact]
    public void AddProbe_ThreeGoodProbesBelowThreshold_Rejects()
    {
        var s = NewSession();
        Assert.Equal(Decision.Retry, s.AddProbe(Good, 0.1f).Decision);
        Assert.Equal(Decision.Retry, s.AddProbe(Good, 0.2f).Decision);
        var v = s.AddProbe(Good, 0.15f);
        Assert.Equal(Decision.Reject, v.Decision);
        Assert.Equal(ReasonCodes.NoMatch, v.Reason);
        Assert.Equal(0.175f, v.Score!.Value, 5);
    }

    [Fact]
    public void AddProbe_PoorQualityProbes_RetryWithReasonAndDoNotCountTowardsReject()
    {
        var s = NewSession();
        for (var i = 0; i < 5; i++)
        {
            var v = s.AddProbe(Good with { InterEyePx = 10 }, 0.1f);
            Assert.Equal(Decision.Retry, v.Decision);
            Assert.Equal(ReasonCodes.LowQualityInterEye, v.Reason);
        }

        Assert.Null(s.Final);
    }

    [Fact]
    public void AddProbe_PoorQualityWithHighScore_NeverAccepts()
    {
        var s = NewSession();
        Assert.Equal(Decision.Retry, s.AddProbe(Good with { YawDeg = 60 }, 0.99f).Decision);
        Assert.Null(s.Final);
    }

    [Fact]
    public void AddProbe_RepeatedLivenessFailures_Refers()
    {
        var s = NewSession(new SessionFusionOptions { MaxLivenessFailures = 2 });
        Assert.Equal(Decision.Retry, s.AddProbe(Good with { Liveness = 0.1f }, 0.9f).Decision);
        var v = s.AddProbe(Good with { Liveness = 0.1f }, 0.9f);
        Assert.Equal(Decision.Refer, v.Decision);
        Assert.Equal(ReasonCodes.PresentationAttackSuspected, v.Reason);
    }

    [Fact]
    public void AddProbe_WatchlistHit_RefersEvenOnStrongMatch()
    {
        var hit = new WatchlistHit("watchlist", "k", 0.8f, 0.36f);
        var v = NewSession().AddProbe(Good, 0.95f, [hit]);
        Assert.Equal(Decision.Refer, v.Decision);
        Assert.Equal(ReasonCodes.WatchlistHit, v.Reason);
        Assert.Single(v.WatchlistHits);
    }

    [Fact]
    public void AddProbe_ProbeLimitWithoutDecision_Refers()
    {
        var s = NewSession(new SessionFusionOptions { MaxProbes = 3 });
        s.AddProbe(Good with { Sharpness = 1 }, null);
        s.AddProbe(Good with { Sharpness = 1 }, null);
        var v = s.AddProbe(Good with { Sharpness = 1 }, null);
        Assert.Equal(Decision.Refer, v.Decision);
        Assert.Equal(ReasonCodes.ProbeLimit, v.Reason);
    }

    [Fact]
    public void AddProbe_OneOverOneUnderThreshold_KeepsGoing()
    {
        var s = NewSession();
        s.AddProbe(Good, Threshold + 0.01f);
        s.AddProbe(Good, 0.1f);
        Assert.Equal(Decision.Retry, s.AddProbe(Good, 0.1f).Decision); // not all below: no REJECT
    }

    [Fact]
    public void BudgetExhausted_Undecided_RefersNeverAccepts()
    {
        var s = NewSession();
        s.AddProbe(Good, Threshold + 0.01f);
        var v = s.BudgetExhausted();
        Assert.Equal(Decision.Refer, v.Decision);
        Assert.Equal(ReasonCodes.BudgetExhausted, v.Reason);
    }

    [Fact]
    public void DependencyDown_Refers() =>
        Assert.Equal(ReasonCodes.StoreUnavailable, NewSession().DependencyDown().Reason);

    [Fact]
    public void Cancel_Refers() => Assert.Equal(Decision.Refer, NewSession().Cancel().Decision);

    [Fact]
    public void AddProbe_AfterFinal_ReturnsTheSameVerdict()
    {
        var s = NewSession();
        var v = s.AddProbe(Good, 0.9f);
        Assert.Same(v, s.AddProbe(Good, 0.0f));
        Assert.Same(v, s.BudgetExhausted());
    }

    [Fact]
    public void FusedScore_MaxMethod_IsTheBest()
    {
        var s = NewSession(new SessionFusionOptions { Fusion = FusionMethod.Max });
        s.AddProbe(Good, 0.1f);
        s.AddProbe(Good, 0.3f);
        Assert.Equal(0.3f, s.FusedScore);
    }

    [Fact]
    public void AddProbe_ModelMismatch_RefersAtOnce()
    {
        var v = NewSession().AddProbe(Good, null, modelMismatch: true);
        Assert.Equal((Decision.Refer, ReasonCodes.ModelMismatch), (v.Decision, v.Reason));
        Assert.True(v.IsFinal);
    }

    [Fact]
    public void AddProbe_UncalibratedBlurredThenGood_RetriesThenRefersNoThreshold()
    {
        var s = new SessionFusion(float.NaN, new QualityLimits());
        Assert.Equal(ReasonCodes.LowQualitySharpness, s.AddProbe(Good with { Sharpness = 5 }, 0.9f).Reason);
        var v = s.AddProbe(Good, 0.9f);
        Assert.Equal((Decision.Refer, ReasonCodes.NoThreshold), (v.Decision, v.Reason));
    }
}
