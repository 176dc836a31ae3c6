using System.Numerics;
using OpenCvSharp;

namespace Biometrics.Vision.Imaging;

/// <summary>
/// Finds and decodes one QR code per image (OpenCV's <c>cv::QRCodeDetector</c>). Not thread-safe: use one
/// instance per thread (creating one is cheap).
/// </summary>
public sealed class QrCodeDetector : IDisposable
{
    private readonly QRCodeDetector _detector = new();

    /// <summary>
    /// Looks for a QR code. Returns null when none is found; a result with <see cref="QrCodeResult.Text"/> null
    /// when one is located but cannot be decoded.
    /// </summary>
    public QrCodeResult? DetectAndDecode(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        ObjectDisposedException.ThrowIf(_detector.IsDisposed, this);
        var mat = image.Mat;
        if (!_detector.Detect(mat, out var points) || points.Length != 4)
        {
            return null;
        }

        var text = _detector.Decode(mat, points);
        var corners = points.Select(p => new Vector2(p.X, p.Y)).ToArray();
        return new QrCodeResult(string.IsNullOrEmpty(text) ? null : text, corners);
    }

    /// <summary>Releases the detector.</summary>
    public void Dispose() => _detector.Dispose();
}
