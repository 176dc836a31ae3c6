using Biometrics.Matcher.Policy;

namespace Biometrics.Matcher.Core.Tests.Policy;

public sealed class CalibratorTests
{
    [Fact]
    public void ComputeThreshold_EnoughImpostors_AtMostTargetFractionReachesIt()
    {
        var rng = new Random(1);
        var impostor = Enumerable.Range(0, 100_000).Select(_ => (float)(rng.NextDouble() * 0.5)).ToArray();
        var genuine = Enumerable.Range(0, 1000).Select(_ => (float)(0.4 + (rng.NextDouble() * 0.5))).ToArray();
        var e = Calibrator.ComputeThreshold(genuine, impostor, 1e-4);
        Assert.True(e.Resolved);
        Assert.Null(e.Note);
        var over = impostor.Count(s => s >= e.Threshold);
        Assert.True(over <= 10, $"{over} impostors >= threshold");
        // Smallest such threshold: one float lower lets an 11th impostor in.
        Assert.True(impostor.Count(s => s >= MathF.BitDecrement(e.Threshold)) > 10);
        Assert.Equal(over / 100_000.0, e.AchievedFmr);
        Assert.Equal(genuine.Count(s => s < e.Threshold) / 1000.0, e.Fnmr);
    }

    [Fact]
    public void ComputeThreshold_ScoresTiedAtTheCutoff_AreRejected()
    {
        // 40 impostors, FMR 0.1: 4 may reach the threshold; the 5th highest (0.5) ties with 6 more, all rejected.
        float[] impostor = [0.9f, 0.8f, 0.7f, 0.6f, .. Enumerable.Repeat(0.5f, 7), .. Enumerable.Repeat(0.1f, 29)];
        var e = Calibrator.ComputeThreshold([0.5f, MathF.BitIncrement(0.5f)], impostor, 0.1);
        Assert.Equal(MathF.BitIncrement(0.5f), e.Threshold);
        Assert.Equal(0.1, e.AchievedFmr);
        Assert.Equal(0.5, e.Fnmr); // a genuine score equal to the cutoff impostor is a non-match, the next float a match
    }

    [Fact]
    public void ComputeThreshold_SmallExample_IsNextFloatAboveTheCutoffScore()
    {
        // 40 impostors (enough for FMR 0.1: 3/0.1 = 30): 4 may reach the threshold, so it sits just above the 5th highest.
        var impostor = Enumerable.Range(1, 40).Select(i => i / 100f).ToArray();
        var e = Calibrator.ComputeThreshold([0.9f], impostor, 0.1);
        Assert.True(e.Resolved);
        Assert.Equal(MathF.BitIncrement(0.36f), e.Threshold);
        Assert.Equal(0.1, e.AchievedFmr);
    }

    [Fact]
    public void ComputeThreshold_TooFewImpostors_FallsBackToMaxPlusMarginAndSaysSo()
    {
        var e = Calibrator.ComputeThreshold([0.7f, 0.8f], [0.1f, 0.3f, 0.25f], 1e-4, unresolvedMargin: 0.05f);
        Assert.False(e.Resolved);
        Assert.Equal(0.35f, e.Threshold, 5);
        Assert.Contains("30000", e.Note);
        Assert.Equal(0, e.AchievedFmr);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-0.1)]
    public void ComputeThreshold_TargetOutOfRange_Throws(double fmr) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Calibrator.ComputeThreshold([0.5f], [0.1f], fmr));

    [Fact]
    public void ComputeThreshold_NoImpostors_Throws() =>
        Assert.Throws<ArgumentException>(() => Calibrator.ComputeThreshold([0.5f], [], 1e-3));

    [Fact]
    public void Calibrate_LabelledScores_FillsBothThresholdsAndCounts()
    {
        var scores = Enumerable.Range(0, 5000).Select(i => new LabelledScore(i / 10000f, false))
            .Concat(Enumerable.Range(0, 50).Select(i => new LabelledScore(0.6f + (i / 1000f), true)));
        var m = Calibrator.Calibrate(scores, new CalibrationOptions { ModelId = "fr_feature-87aacdfe", Date = new DateOnly(2026, 11, 22) });
        Assert.Equal("fr_feature-87aacdfe", m.ModelId);
        Assert.Equal(50, m.GenuinePairs);
        Assert.Equal(5000, m.ImpostorPairs);
        Assert.Equal("2026-11-22", m.Date);
        Assert.False(m.Verify.Resolved); // 5000 < 30000
        Assert.True(m.Watchlist.Resolved); // 5000 >= 3000
        Assert.True(m.VerifyThreshold > m.WatchlistThreshold);
    }
}
