using Biometrics.Matcher.Policy;

namespace Biometrics.Matcher.Core.Tests.Policy;

public sealed class QualityLimitsTests
{
    internal static readonly ProbeQuality Good = new(InterEyePx: 80, Sharpness: 300, Brightness: 120, YawDeg: 5, PitchDeg: -3, Liveness: 0.95f);

    [Fact]
    public void Check_GoodProbe_Passes() => Assert.True(new QualityLimits().Check(Good).Passed);

    [Theory]
    [InlineData(20, 300, 120, 0, 0, 0.9f, ReasonCodes.LowQualityInterEye)]
    [InlineData(80, 10, 120, 0, 0, 0.9f, ReasonCodes.LowQualitySharpness)]
    [InlineData(80, 300, 20, 0, 0, 0.9f, ReasonCodes.LowQualityBrightness)]
    [InlineData(80, 300, 250, 0, 0, 0.9f, ReasonCodes.LowQualityBrightness)]
    [InlineData(80, 300, 120, 40, 0, 0.9f, ReasonCodes.LowQualityPose)]
    [InlineData(80, 300, 120, 0, -30, 0.9f, ReasonCodes.LowQualityPose)]
    [InlineData(80, 300, 120, 0, 0, 0.2f, ReasonCodes.Liveness)]
    [InlineData(80, float.NaN, 120, 0, 0, 0.9f, ReasonCodes.LowQualitySharpness)]
    public void Check_OneLimitViolated_FailsWithItsReason(float eye, float sharp, float bright, float yaw, float pitch, float live, string reason)
    {
        var r = new QualityLimits().Check(new ProbeQuality(eye, sharp, bright, yaw, pitch, live));
        Assert.False(r.Passed);
        Assert.Equal(reason, r.Reason);
        Assert.False(string.IsNullOrEmpty(r.Text));
    }

    [Fact]
    public void Check_Unmeasured_PassesUnlessLivenessRequired()
    {
        Assert.True(new QualityLimits().Check(ProbeQuality.Unmeasured).Passed);
        var r = new QualityLimits { RequireLiveness = true }.Check(ProbeQuality.Unmeasured);
        Assert.Equal(ReasonCodes.Liveness, r.Reason);
    }

    [Fact]
    public void Validate_InconsistentLimits_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new QualityLimits { MinBrightness = 200, MaxBrightness = 100 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new QualityLimits { MinLiveness = 1.5f }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new QualityLimits { MaxAbsYawDeg = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new QualityLimits { MinSharpness = float.NaN }.Validate());
    }
}
