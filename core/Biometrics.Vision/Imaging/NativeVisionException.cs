namespace Biometrics.Vision.Imaging;

/// <summary>An unexpected failure inside the native OpenCV shim (an OpenCV error or an internal error).</summary>
public class NativeVisionException : Exception
{
    public NativeVisionException()
    {
    }

    public NativeVisionException(string message)
        : base(message)
    {
    }

    public NativeVisionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the shim's status code.</summary>
    public NativeVisionException(string message, int status)
        : base(message) => Status = status;

    /// <summary>The shim's status code (<c>BN_E_*</c> in biometrics_native.h); 0 when not from the shim.</summary>
    public int Status { get; }
}
