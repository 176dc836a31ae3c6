using Biometrics.Matcher.Policy;

namespace Biometrics.Matcher.Core.Tests.Policy;

public sealed class DecisionPolicyTests
{
    private static readonly DecisionPolicy Policy = new(new QualityLimits());
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);
    private static readonly WatchlistHit Hit = new("watchlist", "ab12", 0.7f, 0.36f);

    [Fact]
    public void Decide_GoodProbeAboveThreshold_Accepts()
    {
        var v = Policy.Decide(new DecisionInput(QualityLimitsTests.Good, 0.6f, 0.41f, null, Budget));
        Assert.Equal(Decision.Accept, v.Decision);
        Assert.Equal(ReasonCodes.Match, v.Reason);
        Assert.True(v.IsFinal);
    }

    [Fact]
    public void Decide_ScoreEqualToThreshold_Accepts() =>
        Assert.Equal(Decision.Accept, Policy.Decide(new DecisionInput(QualityLimitsTests.Good, 0.41f, 0.41f, null, Budget)).Decision);

    [Fact]
    public void Decide_GoodProbeBelowThreshold_Rejects()
    {
        var v = Policy.Decide(new DecisionInput(QualityLimitsTests.Good, 0.2f, 0.41f, null, Budget));
        Assert.Equal(Decision.Reject, v.Decision);
        Assert.Equal(ReasonCodes.NoMatch, v.Reason);
    }

    [Fact]
    public void Decide_PoorQuality_RetriesWithReasonEvenWithHighScore()
    {
        var v = Policy.Decide(new DecisionInput(QualityLimitsTests.Good with { Sharpness = 5 }, 0.9f, 0.41f, null, Budget));
        Assert.Equal(Decision.Retry, v.Decision);
        Assert.Equal(ReasonCodes.LowQualitySharpness, v.Reason);
        Assert.False(v.IsFinal);
    }

    [Fact]
    public void Decide_LowLiveness_Retries() =>
        Assert.Equal(ReasonCodes.Liveness, Policy.Decide(new DecisionInput(QualityLimitsTests.Good with { Liveness = 0.1f }, 0.9f, 0.41f, null, Budget)).Reason);

    [Fact]
    public void Decide_WatchlistHit_RefersWithHitEvenWhenMatching()
    {
        var v = Policy.Decide(new DecisionInput(QualityLimitsTests.Good, 0.9f, 0.41f, [Hit], Budget));
        Assert.Equal(Decision.Refer, v.Decision);
        Assert.Equal(ReasonCodes.WatchlistHit, v.Reason);
        Assert.Equal(Hit, Assert.Single(v.WatchlistHits));
    }

    [Fact]
    public void Decide_BudgetExhausted_RefersNeverAccepts()
    {
        var v = Policy.Decide(new DecisionInput(QualityLimitsTests.Good, 0.9f, 0.41f, null, TimeSpan.Zero));
        Assert.Equal(Decision.Refer, v.Decision);
        Assert.Equal(ReasonCodes.BudgetExhausted, v.Reason);
    }

    [Fact]
    public void Decide_StoreDown_RefersNeverAccepts()
    {
        var v = Policy.Decide(new DecisionInput(QualityLimitsTests.Good, 0.9f, 0.41f, null, Budget, ReasonCodes.StoreUnavailable));
        Assert.Equal(Decision.Refer, v.Decision);
        Assert.Equal(ReasonCodes.StoreUnavailable, v.Reason);
    }

    [Fact]
    public void Decide_NoScore_RetriesNoFace() =>
        Assert.Equal(ReasonCodes.NoFace, Policy.Decide(new DecisionInput(QualityLimitsTests.Good, null, 0.41f, null, Budget)).Reason);

    [Fact]
    public void Decide_NaNScore_NeverAccepts() =>
        Assert.NotEqual(Decision.Accept, Policy.Decide(new DecisionInput(QualityLimitsTests.Good, float.NaN, 0.41f, null, Budget)).Decision);

    [Fact]
    public void Decide_NoCalibratedThreshold_Refers()
    {
        var v = Policy.Decide(new DecisionInput(QualityLimitsTests.Good, 0.9f, float.NaN, null, Budget));
        Assert.Equal(Decision.Refer, v.Decision);
        Assert.Equal(ReasonCodes.NoThreshold, v.Reason);
    }

    [Fact]
    public void Decide_ModelMismatch_RefersEvenWhenBlurred()
    {
        var v = Policy.Decide(new DecisionInput(QualityLimitsTests.Good with { Sharpness = 5 }, null, 0.41f, null, Budget, ModelMismatch: true));
        Assert.Equal((Decision.Refer, ReasonCodes.ModelMismatch), (v.Decision, v.Reason));
        Assert.True(v.IsFinal);
    }

    [Fact]
    public void Decide_WatchlistHitWithBudgetGone_RefersWithTheHit()
    {
        var v = Policy.Decide(new DecisionInput(QualityLimitsTests.Good, 0.9f, 0.41f, [Hit], TimeSpan.Zero));
        Assert.Equal((Decision.Refer, ReasonCodes.WatchlistHit), (v.Decision, v.Reason));
    }

    [Fact]
    public void Decide_NoCalibratedThresholdAndBlurred_RetriesForQualityFirst() =>
        Assert.Equal(ReasonCodes.LowQualitySharpness, Policy.Decide(new DecisionInput(QualityLimitsTests.Good with { Sharpness = 5 }, 0.9f, float.NaN, null, Budget)).Reason);
}
