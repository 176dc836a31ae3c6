using System.Numerics;
using OpenCvSharp;

namespace Biometrics.Vision.Imaging;

/// <summary>
/// Finds and decodes one QR code per image: <c>cv::QRCodeDetector</c> locates it (precise corners) and the WeChat QR
/// decoder (without its CNN models) reads it, first inside a margin around the located code, then over the whole
/// image. The WeChat decoder reads small, blurred and tilted codes that <c>cv::QRCodeDetector</c> alone misses
/// (docs/VISION.md, "Imaging"). Not thread-safe: use one instance per thread (creating one is cheap).
/// </summary>
public sealed class QrCodeDetector : IDisposable
{
    private readonly QRCodeDetector _detector = new();
    private readonly WeChatQRCode _decoder = new(string.Empty, string.Empty, string.Empty, string.Empty);

    /// <summary>
    /// Looks for a QR code. Returns null when none is found; a result with <see cref="QrCodeResult.Text"/> null
    /// when one is located but cannot be decoded.
    /// </summary>
    public QrCodeResult? DetectAndDecode(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        ObjectDisposedException.ThrowIf(_detector.IsDisposed, this);
        var mat = image.Mat;
        var located = _detector.Detect(mat, out var points) && points.Length == 4 ? points : null;
        if (located is not null)
        {
            var box = Cv2.BoundingRect(located);
            var margin = (Math.Max(box.Width, box.Height) / 4) + 8;
            box = new Rect(box.X - margin, box.Y - margin, box.Width + (2 * margin), box.Height + (2 * margin))
                  & new Rect(0, 0, image.Width, image.Height);
            if (box.Width > 20 && box.Height > 20)
            {
                using var around = new Mat(mat, box);
                if (Decode(around, out _) is { } text)
                {
                    return Result(text, located);
                }
            }
        }

        if (Decode(mat, out var found) is { } whole && (located ?? found) is { Length: 4 } corners)
        {
            return Result(whole, corners);
        }

        return located is null ? null : Result(null, located);
    }

    /// <summary>Releases the detector.</summary>
    public void Dispose()
    {
        _detector.Dispose();
        _decoder.Dispose();
    }

    private static QrCodeResult Result(string? text, Point2f[] corners) =>
        new(text, corners.Select(p => new Vector2(p.X, p.Y)).ToArray());

    /// <summary>The first text the WeChat decoder reads in <paramref name="mat"/>, with its corners; null if none.</summary>
    private string? Decode(Mat mat, out Point2f[]? corners)
    {
        var texts = _decoder.DetectAndDecode(mat, out var boxes);
        for (var i = 0; i < texts.Length; i++)
        {
            if (!string.IsNullOrEmpty(texts[i]))
            {
                corners = i < boxes.Length ? boxes[i] : null;
                return texts[i];
            }
        }

        corners = null;
        return null;
    }
}
