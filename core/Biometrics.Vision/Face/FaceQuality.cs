using System.Numerics;
using Biometrics.Vision.Imaging;

namespace Biometrics.Vision.Face;

/// <summary>
/// Image-quality measures of one face, for gating probes before matching (docs/POLICY.md). Immutable.
/// </summary>
/// <param name="InterEyeDistance">Distance between the eye centres in pixels of the original image (ISO/ICAO practice asks for about 60+ for matching; below ~25 is unreliable).</param>
/// <param name="FaceWidth">Width of the detection box in pixels.</param>
/// <param name="Sharpness">Variance of the Laplacian of the aligned 112x112 grey face: higher is sharper; blurred faces score below ~50, crisp ones several hundred.</param>
/// <param name="Brightness">Mean grey level of the aligned face, 0 (black) to 255 (white); well-lit faces sit around 80-180.</param>
/// <param name="Yaw">Left/right head turn in degrees (0 frontal, sign: positive when the face turns towards the image's left), rough estimate from landmark symmetry.</param>
/// <param name="Pitch">Up/down tilt in degrees (0 level, positive looking down), rough estimate from the nose position between eyes and mouth.</param>
/// <param name="Roll">In-plane rotation in degrees of the eye line (positive clockwise in image coordinates).</param>
public sealed record FaceQuality(double InterEyeDistance, double FaceWidth, double Sharpness, double Brightness, double Yaw, double Pitch, double Roll)
{
    /// <summary>Computes the measures from the landmarks and the aligned face.</summary>
    public static FaceQuality Assess(FaceBox box, ReadOnlySpan<Vector2> landmarks68, ReadOnlySpan<Vector2> fivePoints, Image alignedFace)
    {
        ArgumentNullException.ThrowIfNull(alignedFace);
        var leftEye = fivePoints[0];
        var rightEye = fivePoints[1];
        var nose = fivePoints[2];
        var mouth = (fivePoints[3] + fivePoints[4]) * 0.5f;
        var eyeVector = rightEye - leftEye;
        var interEye = eyeVector.Length();
        var roll = Math.Atan2(eyeVector.Y, eyeVector.X) * 180 / Math.PI;

        // Yaw: where the nose tip sits between the two jaw-line ends (points 0 and 16), -1..1, mapped through asin.
        var left = Vector2.Distance(landmarks68[0], nose);
        var right = Vector2.Distance(landmarks68[16], nose);
        var asymmetry = (left - right) / Math.Max(1e-3, left + right);
        var yaw = Math.Asin(Math.Clamp(asymmetry * 2, -1, 1)) * 180 / Math.PI;

        // Pitch: the nose tip's relative height between the eye line and the mouth line; ~0.5 on frontal faces
        // (0.494 on the 112x112 reference); each 0.1 of deviation is roughly 15 degrees.
        var eyeMid = (leftEye + rightEye) * 0.5f;
        var axis = mouth - eyeMid;
        var axisLength = Math.Max(1e-3, axis.Length());
        var along = Vector2.Dot(nose - eyeMid, axis) / (axisLength * axisLength);
        var pitch = (along - 0.494) * 150;

        double sharpness;
        double brightness;
        using (var gray = alignedFace.Channels == 1 ? null : alignedFace.ToGray())
        {
            var g = gray ?? alignedFace;
            sharpness = g.LaplacianVariance();
            brightness = g.MeanBrightness();
        }

        return new FaceQuality(interEye, box.Width, sharpness, brightness, yaw, pitch, roll);
    }
}
