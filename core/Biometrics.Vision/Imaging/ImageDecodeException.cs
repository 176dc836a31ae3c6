namespace Biometrics.Vision.Imaging;

/// <summary>
/// Thrown when bytes cannot be decoded as an image: unsupported format, corrupt or truncated data, or an
/// image larger than the pixel limit. The message says which, in words suitable for an operator.
/// </summary>
public sealed class ImageDecodeException : Exception
{
    public ImageDecodeException()
    {
    }

    public ImageDecodeException(string message)
        : base(message)
    {
    }

    public ImageDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with its reason.</summary>
    public ImageDecodeException(string message, ImageDecodeError reason)
        : base(message) => Reason = reason;

    /// <summary>Why decoding failed.</summary>
    public ImageDecodeError Reason { get; } = ImageDecodeError.Corrupt;
}
