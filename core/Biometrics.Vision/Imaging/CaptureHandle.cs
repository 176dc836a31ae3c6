using Microsoft.Win32.SafeHandles;

namespace Biometrics.Vision.Imaging;

/// <summary>Owns a video capture allocated by the native shim; released exactly once.</summary>
internal sealed class CaptureHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public CaptureHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        NativeMethods.CaptureFree(handle);
        return true;
    }
}
