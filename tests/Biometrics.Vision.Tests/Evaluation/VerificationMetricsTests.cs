using Biometrics.Vision.Evaluation;

namespace Biometrics.Vision.Tests.Evaluation;

public sealed class VerificationMetricsTests
{
    // Genuine 0.9, 0.8, 0.4; impostor 0.5, 0.3, 0.1 (interleaved).
    private static readonly double[] s_scores = [0.9, 0.5, 0.8, 0.3, 0.4, 0.1];
    private static readonly bool[] s_genuine = [true, false, true, false, true, false];

    [Fact]
    public void BestThreshold_OverlappingScores_PicksLowestBestMidpoint()
    {
        var best = VerificationMetrics.BestThreshold(s_scores, s_genuine);
        Assert.Equal(5.0 / 6, best.Accuracy, precision: 12);
        Assert.Equal(0.35, best.Threshold, precision: 12);
    }

    [Fact]
    public void BestThreshold_Separable_GivesFullAccuracyBetweenClasses()
    {
        var best = VerificationMetrics.BestThreshold([0.7, 0.2, 0.6, 0.3], [true, false, true, false]);
        Assert.Equal(1.0, best.Accuracy);
        Assert.Equal(0.45, best.Threshold, precision: 12);
    }

    [Fact]
    public void EqualErrorRate_OverlappingScores_IsInterpolatedCrossing()
    {
        Assert.Equal(1.0 / 3, VerificationMetrics.EqualErrorRate(s_scores, s_genuine), precision: 12);
    }

    [Fact]
    public void EqualErrorRate_Separable_IsZero()
    {
        Assert.Equal(0, VerificationMetrics.EqualErrorRate([0.7, 0.2, 0.6, 0.3], [true, false, true, false]));
    }

    [Fact]
    public void EqualErrorRate_Reversed_IsOne()
    {
        Assert.Equal(1, VerificationMetrics.EqualErrorRate([0.1, 0.9], [true, false]), precision: 12);
    }

    [Fact]
    public void FnmrAtFmr_OneFalseMatchAllowed_UsesSecondHighestImpostor()
    {
        var point = VerificationMetrics.FnmrAtFmr(s_scores, s_genuine, 0.34);
        Assert.Equal(Math.BitIncrement(0.3), point.Threshold);
        Assert.Equal(1.0 / 3, point.Fmr, precision: 12);
        Assert.Equal(0, point.Fnmr);
        Assert.False(point.ResolutionLimited);
    }

    [Fact]
    public void FnmrAtFmr_ScoresTiedAtTheCutoff_AreRejectedAsTheCalibrationDoes()
    {
        // Impostors 0.9, 0.5, 0.5, 0.1 and FMR 0.25: one may match; the two at 0.5 and a genuine pair at 0.5 are rejected.
        var point = VerificationMetrics.FnmrAtFmr([0.9, 0.5, 0.5, 0.1, 0.5, Math.BitIncrement(0.5)], [false, false, false, false, true, true], 0.25);
        Assert.Equal(Math.BitIncrement(0.5), point.Threshold);
        Assert.Equal(0.25, point.Fmr);
        Assert.Equal(0.5, point.Fnmr);
    }

    [Fact]
    public void FnmrAtFmr_TargetBelowResolution_RejectsAboveHighestImpostorAndSaysSo()
    {
        var point = VerificationMetrics.FnmrAtFmr(s_scores, s_genuine, 1e-2);
        Assert.Equal(Math.BitIncrement(0.5), point.Threshold);
        Assert.Equal(0, point.Fmr);
        Assert.Equal(1.0 / 3, point.Fnmr, precision: 12);
        Assert.True(point.ResolutionLimited);
    }

    [Fact]
    public void FnmrAtFmr_ManyImpostors_AllowsFloorOfTargetTimesCount()
    {
        // 1000 impostors scoring 0.000..0.999, genuine at 0.9955 and 0.9985: FMR 1e-2 allows 10 false matches.
        var scores = Enumerable.Range(0, 1000).Select(i => i / 1000.0).Concat([0.9955, 0.9985]).ToArray();
        var genuine = Enumerable.Repeat(false, 1000).Concat([true, true]).ToArray();

        var at1e2 = VerificationMetrics.FnmrAtFmr(scores, genuine, 1e-2);
        var at1e3 = VerificationMetrics.FnmrAtFmr(scores, genuine, 1e-3);

        Assert.Equal(0.989, at1e2.Threshold, precision: 12);
        Assert.Equal(0.01, at1e2.Fmr, precision: 12);
        Assert.Equal(0, at1e2.Fnmr);
        Assert.Equal(0.998, at1e3.Threshold, precision: 12);
        Assert.Equal(0.5, at1e3.Fnmr);
    }

    [Fact]
    public void KFoldAccuracy_FoldsAreConsecutiveBlocks()
    {
        // 100 pairs: the first 10 (fold 0) are genuine pairs scoring below every impostor. Trained without them,
        // fold 0 is all wrong; every other fold is all right.
        var scores = Enumerable.Repeat(0.05, 10).Concat(Enumerable.Repeat(0.1, 90)).ToArray();
        var genuine = Enumerable.Repeat(true, 10).Concat(Enumerable.Repeat(false, 90)).ToArray();

        var cv = VerificationMetrics.KFoldAccuracy(scores, genuine, 10);

        Assert.Equal(10, cv.FoldAccuracies.Count);
        Assert.Equal(0, cv.FoldAccuracies[0]);
        Assert.All(cv.FoldAccuracies.Skip(1), a => Assert.Equal(1, a));
        Assert.Equal(0.9, cv.Mean, precision: 12);
        Assert.Equal(0.3, cv.StandardDeviation, precision: 12);
    }

    [Fact]
    public void Evaluate_AtLeast600Pairs_CrossValidates()
    {
        var random = new Random(5);
        var genuine = Enumerable.Range(0, 600).Select(i => i % 2 == 0).ToArray();
        var scores = genuine.Select(g => (g ? 0.6 : 0.1) + (random.NextDouble() * 0.3)).ToArray();

        var report = VerificationMetrics.Evaluate(scores, genuine);

        Assert.NotNull(report.CrossValidation);
        Assert.Equal(600, report.Pairs);
        Assert.Equal(300, report.GenuinePairs);
        Assert.Equal(1.0, report.Accuracy);
        Assert.Equal(0, report.EqualErrorRate);
    }

    [Fact]
    public void Evaluate_FewerThan600Pairs_UsesBestSingleThreshold()
    {
        var report = VerificationMetrics.Evaluate(s_scores, s_genuine);
        Assert.Null(report.CrossValidation);
        Assert.Equal(5.0 / 6, report.Accuracy, precision: 12);
        Assert.Equal(3, report.ImpostorPairs);
    }

    [Fact]
    public void Evaluate_MismatchedOrEmptyOrNaN_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => VerificationMetrics.Evaluate([0.1], [true, false]));
        Assert.Throws<ArgumentException>(() => VerificationMetrics.Evaluate([], []));
        Assert.Throws<ArgumentException>(() => VerificationMetrics.Evaluate([double.NaN], [true]));
    }
}
