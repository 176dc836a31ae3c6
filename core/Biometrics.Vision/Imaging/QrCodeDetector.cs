using System.Numerics;

namespace Biometrics.Vision.Imaging;

/// <summary>
/// Finds and decodes one QR code per image (OpenCV's <c>cv::QRCodeDetector</c>). Not thread-safe: use one
/// instance per thread (creating one is cheap).
/// </summary>
public sealed unsafe class QrCodeDetector : IDisposable
{
    private readonly QrDetectorHandle _handle;

    /// <summary>Creates a detector.</summary>
    public QrCodeDetector()
    {
        var status = NativeMethods.QrDetectorCreate(out var handle);
        _handle = NativeStatus.Check(status, handle);
    }

    /// <summary>
    /// Looks for a QR code. Returns null when none is found; a result with <see cref="QrCodeResult.Text"/> null
    /// when one is located but cannot be decoded.
    /// </summary>
    public QrCodeResult? DetectAndDecode(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        var corners = stackalloc float[8];
        var status = NativeMethods.QrDetectDecode(_handle, image.Handle, out var found, corners, out var text, out var length);
        NativeStatus.Check(status);
        if (found == 0)
        {
            return null;
        }

        string? decoded = null;
        if (text is not null)
        {
            try
            {
                decoded = System.Text.Encoding.UTF8.GetString(text, checked((int)length));
            }
            finally
            {
                NativeMethods.BytesFree(text);
            }
        }

        var points = new Vector2[4];
        for (var i = 0; i < 4; i++)
        {
            points[i] = new Vector2(corners[2 * i], corners[(2 * i) + 1]);
        }

        return new QrCodeResult(decoded, points);
    }

    /// <summary>Releases the detector.</summary>
    public void Dispose() => _handle.Dispose();
}
