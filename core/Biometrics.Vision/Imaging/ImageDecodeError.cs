namespace Biometrics.Vision.Imaging;

/// <summary>Why an encoded image could not be decoded.</summary>
public enum ImageDecodeError
{
    /// <summary>Not a JPEG, PNG, BMP or WebP byte stream (or empty input).</summary>
    UnsupportedFormat,

    /// <summary>A recognised format whose header or data is damaged or truncated.</summary>
    Corrupt,

    /// <summary>The header announces more pixels than the limit (a guard against decompression bombs).</summary>
    TooLarge,
}
