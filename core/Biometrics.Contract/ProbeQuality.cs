namespace Biometrics.Contract;

/// <summary>
/// Quality measurements of one probe (the wire message <c>ProbeQuality</c>). A value of 0 means "not measured" for the
/// image measures; a negative <see cref="Liveness"/> means liveness was not measured.
/// </summary>
/// <param name="InterEyePx">Distance between the eye centres in source-frame pixels.</param>
/// <param name="Sharpness">Variance of the Laplacian of the aligned grey face (higher = sharper).</param>
/// <param name="Brightness">Mean grey level of the aligned face, 0..255.</param>
/// <param name="YawDeg">Head yaw, degrees (0 = frontal).</param>
/// <param name="PitchDeg">Head pitch, degrees (0 = frontal).</param>
/// <param name="Liveness">Liveness score in [0, 1], 1 = live; negative = not measured.</param>
/// <param name="Measured">False when the edge could not measure quality: the policy then gates only on liveness (if measured).</param>
public sealed record ProbeQuality(
    float InterEyePx,
    float Sharpness,
    float Brightness,
    float YawDeg,
    float PitchDeg,
    float Liveness,
    bool Measured = true)
{
    /// <summary>A probe whose quality is unknown (the edge did not measure).</summary>
    public static ProbeQuality Unmeasured { get; } = new(0, 0, 0, 0, 0, -1, Measured: false);
}
