using System.Numerics;

namespace Biometrics.Vision.Imaging;

/// <summary>A QR code found in an image.</summary>
/// <param name="Text">The decoded payload (UTF-8), or null when the code was located but could not be read
/// (blurred, too small, damaged) - the gate can then ask the traveller to hold the phone still.</param>
/// <param name="Corners">The code's 4 corners in image pixels, in OpenCV's order (clockwise from the corner
/// nearest the top-left finder pattern).</param>
public sealed record QrCodeResult(string? Text, IReadOnlyList<Vector2> Corners)
{
    /// <summary>True when <see cref="Text"/> holds the payload.</summary>
    public bool IsDecoded => Text is not null;
}
