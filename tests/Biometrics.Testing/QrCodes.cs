using QRCoder;

namespace Biometrics.Testing;

/// <summary>QR code pictures for tests, made with QRCoder (the product only reads QR codes, it never makes them).</summary>
public static class QrCodes
{
    /// <summary>
    /// A PNG of <paramref name="text"/> (byte mode, error correction M): black modules on white with the standard
    /// 4-module quiet zone, <paramref name="modulePixels"/> pixels per module.
    /// </summary>
    public static byte[] Png(string text, int modulePixels) =>
        PngByteQRCodeHelper.GetQRCode(text, QRCodeGenerator.ECCLevel.M, modulePixels);
}
