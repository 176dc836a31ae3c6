using System.Buffers;

namespace Biometrics.Vision.Imaging;

/// <summary>Makes QR code images (OpenCV's <c>cv::QRCodeEncoder</c>). Thread-safe.</summary>
public static unsafe class QrCodeEncoder
{
    /// <summary>
    /// Encodes <paramref name="text"/> (UTF-8, byte mode) as a 3-channel BGR image: black modules on white
    /// with the standard 4-module quiet zone, <paramref name="modulePixels"/> pixels per module.
    /// </summary>
    /// <exception cref="ArgumentException">Empty text, text too long for a QR code, or a bad module size.</exception>
    public static Image Encode(string text, int modulePixels = 8, QrErrorCorrection correction = QrErrorCorrection.Medium)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var buffer = Image.RentUtf8(text, out var length);
        try
        {
            fixed (byte* p = buffer)
            {
                var status = NativeMethods.QrEncode(p, length, modulePixels, (int)correction, out var handle);
                return Image.Wrap(NativeStatus.Check(status, handle));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
