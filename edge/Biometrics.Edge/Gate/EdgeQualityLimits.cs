using System.Globalization;
using Biometrics.Vision.Face;

namespace Biometrics.Edge.Gate;

/// <summary>
/// The edge's own quality gate, applied before a face is embedded and sent (the matcher applies its limits again). The
/// defaults are the matcher's defaults: eyes at least 40 px apart, sharpness (Laplacian variance of the aligned face) at
/// least 40, mean brightness 50..210, |yaw| up to 25 and |pitch| up to 20 degrees, liveness at least 0.5. Reasons use the
/// matcher's codes (<c>low_quality:inter_eye</c>, <c>low_quality:sharpness</c>, <c>low_quality:brightness</c>,
/// <c>low_quality:pose</c>, <c>liveness</c>). Immutable and thread-safe.
/// </summary>
public sealed record EdgeQualityLimits
{
    /// <summary>Minimum inter-eye distance in frame pixels.</summary>
    public double MinInterEyePx { get; init; } = 40;

    /// <summary>Minimum Laplacian variance of the aligned grey face.</summary>
    public double MinSharpness { get; init; } = 40;

    /// <summary>Minimum mean grey level.</summary>
    public double MinBrightness { get; init; } = 50;

    /// <summary>Maximum mean grey level.</summary>
    public double MaxBrightness { get; init; } = 210;

    /// <summary>Maximum |yaw| in degrees.</summary>
    public double MaxAbsYaw { get; init; } = 25;

    /// <summary>Maximum |pitch| in degrees.</summary>
    public double MaxAbsPitch { get; init; } = 20;

    /// <summary>Minimum liveness score in [0, 1] (ignored when liveness is not measured).</summary>
    public double MinLiveness { get; init; } = 0.5;

    /// <summary>Checks one face; returns null when it is usable, else the reason code and a readable explanation.</summary>
    public (string Reason, string Text)? Check(FaceAnalysis face)
    {
        ArgumentNullException.ThrowIfNull(face);
        var q = face.Quality;
        var c = CultureInfo.InvariantCulture;
        if (!(q.InterEyeDistance >= MinInterEyePx))
        {
            return ("low_quality:inter_eye", string.Format(c, "face too small: eyes {0:F0} px apart, need {1:F0}", q.InterEyeDistance, MinInterEyePx));
        }

        if (!(q.Sharpness >= MinSharpness))
        {
            return ("low_quality:sharpness", string.Format(c, "face blurred: sharpness {0:F0}, need {1:F0}", q.Sharpness, MinSharpness));
        }

        if (!(q.Brightness >= MinBrightness && q.Brightness <= MaxBrightness))
        {
            return ("low_quality:brightness", string.Format(c, "brightness {0:F0} outside {1:F0}..{2:F0}", q.Brightness, MinBrightness, MaxBrightness));
        }

        if (!(Math.Abs(q.Yaw) <= MaxAbsYaw && Math.Abs(q.Pitch) <= MaxAbsPitch))
        {
            return ("low_quality:pose", string.Format(c, "head turned: yaw {0:F0}, pitch {1:F0} degrees", q.Yaw, q.Pitch));
        }

        if (face.Liveness is { } live && !(live.LiveScore >= MinLiveness))
        {
            return ("liveness", string.Format(c, "liveness {0:F2} below {1:F2}", live.LiveScore, MinLiveness));
        }

        return null;
    }
}
