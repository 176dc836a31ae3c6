using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Biometrics.Vision.Imaging;

/// <summary>
/// The one place where native status codes become exceptions. The hot path is an inlined comparison;
/// the throw lives in a separate non-inlined method.
/// </summary>
internal static class NativeStatus
{
    internal const int Ok = 0;
    internal const int InvalidArgument = 1;
    internal const int UnsupportedFormat = 2;
    internal const int CorruptImage = 3;
    internal const int ImageTooLarge = 4;
    internal const int Io = 5;
    internal const int OpenCv = 6;
    internal const int OutOfMemory = 7;
    internal const int Internal = 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Check(int status)
    {
        if (status != Ok)
        {
            Throw(status);
        }
    }

    /// <summary>Checks the status of a call that produced a handle; on failure the (empty) handle is released.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Check<T>(int status, T handle)
        where T : SafeHandle
    {
        if (status != Ok || handle.IsInvalid)
        {
            handle.Dispose();
            Throw(status == Ok ? Internal : status);
        }

        return handle;
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Throw(int status)
    {
        var message = LastError();
        throw status switch
        {
            InvalidArgument => new ArgumentException(message),
            UnsupportedFormat => new ImageDecodeException(message, ImageDecodeError.UnsupportedFormat),
            CorruptImage => new ImageDecodeException(message, ImageDecodeError.Corrupt),
            ImageTooLarge => new ImageDecodeException(message, ImageDecodeError.TooLarge),
            Io => new IOException(message),
            OutOfMemory => new InsufficientMemoryException(message),
            _ => new NativeVisionException(message, status),
        };
    }

    private static unsafe string LastError()
    {
        var text = Marshal.PtrToStringUTF8((nint)NativeMethods.LastError());
        return string.IsNullOrEmpty(text) ? "the native OpenCV shim reported an error without a message" : text;
    }
}
