using System.Globalization;

namespace Biometrics.Contract;

/// <summary>
/// Limits below which a probe is not matched (the gate is told to RETRY with a reason). Immutable and thread-safe.
/// Defaults follow ISO/IEC 29794-5 / ICAO practice loosely for a gate camera: eyes at least 40 px apart, a sharpness
/// (Laplacian variance of the aligned face) of at least 40, mean brightness 50..210, pose within 25 degrees yaw and 20
/// degrees pitch, liveness at least 0.5.
/// </summary>
public sealed record QualityLimits
{
    /// <summary>Minimum inter-eye distance in source-frame pixels.</summary>
    public float MinInterEyePx { get; init; } = 40f;

    /// <summary>Minimum Laplacian variance of the aligned grey face.</summary>
    public float MinSharpness { get; init; } = 40f;

    /// <summary>Minimum mean grey level, 0..255.</summary>
    public float MinBrightness { get; init; } = 50f;

    /// <summary>Maximum mean grey level, 0..255.</summary>
    public float MaxBrightness { get; init; } = 210f;

    /// <summary>Maximum |yaw| in degrees.</summary>
    public float MaxAbsYawDeg { get; init; } = 25f;

    /// <summary>Maximum |pitch| in degrees.</summary>
    public float MaxAbsPitchDeg { get; init; } = 20f;

    /// <summary>Minimum liveness score in [0, 1].</summary>
    public float MinLiveness { get; init; } = 0.5f;

    /// <summary>When true, a probe without liveness (negative score) fails the liveness check; when false it is not gated on liveness.</summary>
    public bool RequireLiveness { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when the limits are inconsistent or out of range.</summary>
    public QualityLimits Validate()
    {
        Check(MinInterEyePx >= 0 && float.IsFinite(MinInterEyePx), nameof(MinInterEyePx), "must be a finite value >= 0");
        Check(MinSharpness >= 0 && float.IsFinite(MinSharpness), nameof(MinSharpness), "must be a finite value >= 0");
        Check(MinBrightness is >= 0 and <= 255, nameof(MinBrightness), "must be in 0..255");
        Check(MaxBrightness is >= 0 and <= 255, nameof(MaxBrightness), "must be in 0..255");
        Check(MinBrightness <= MaxBrightness, nameof(MinBrightness), "must not exceed MaxBrightness");
        Check(MaxAbsYawDeg is > 0 and <= 90, nameof(MaxAbsYawDeg), "must be in (0, 90]");
        Check(MaxAbsPitchDeg is > 0 and <= 90, nameof(MaxAbsPitchDeg), "must be in (0, 90]");
        Check(MinLiveness is >= 0 and <= 1, nameof(MinLiveness), "must be in [0, 1]");
        return this;
    }

    /// <summary>
    /// Checks one probe: inter-eye distance, sharpness, brightness, pose, then liveness; reports the first failure.
    /// Image measures are skipped when <see cref="ProbeQuality.Measured"/> is false.
    /// </summary>
    public QualityCheck Check(ProbeQuality quality)
    {
        ArgumentNullException.ThrowIfNull(quality);
        var c = CultureInfo.InvariantCulture;
        if (quality.Measured)
        {
            if (!(quality.InterEyePx >= MinInterEyePx))
            {
                return QualityCheck.Fail(ReasonCodes.LowQualityInterEye, string.Format(c, "face too small or too far: eyes {0:F0} px apart, need {1:F0}", quality.InterEyePx, MinInterEyePx));
            }

            if (!(quality.Sharpness >= MinSharpness))
            {
                return QualityCheck.Fail(ReasonCodes.LowQualitySharpness, string.Format(c, "image too blurred: sharpness {0:F0}, need {1:F0}", quality.Sharpness, MinSharpness));
            }

            if (!(quality.Brightness >= MinBrightness && quality.Brightness <= MaxBrightness))
            {
                return QualityCheck.Fail(ReasonCodes.LowQualityBrightness, string.Format(c, "face too {0}: brightness {1:F0}, need {2:F0}..{3:F0}", quality.Brightness < MinBrightness ? "dark" : "bright", quality.Brightness, MinBrightness, MaxBrightness));
            }

            if (!(Math.Abs(quality.YawDeg) <= MaxAbsYawDeg && Math.Abs(quality.PitchDeg) <= MaxAbsPitchDeg))
            {
                return QualityCheck.Fail(ReasonCodes.LowQualityPose, string.Format(c, "look at the camera: yaw {0:F0}, pitch {1:F0} degrees, limits {2:F0}/{3:F0}", quality.YawDeg, quality.PitchDeg, MaxAbsYawDeg, MaxAbsPitchDeg));
            }
        }

        var livenessMeasured = quality.Liveness >= 0;
        if ((livenessMeasured || RequireLiveness) && !(quality.Liveness >= MinLiveness))
        {
            return QualityCheck.Fail(ReasonCodes.Liveness, livenessMeasured
                ? string.Format(c, "liveness {0:F2} below {1:F2}", quality.Liveness, MinLiveness)
                : "liveness was not measured but is required");
        }

        return QualityCheck.Ok;
    }

    private static void Check(bool ok, string name, string message)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, $"quality limit {name} {message}");
        }
    }
}
