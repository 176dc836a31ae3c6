using Microsoft.Win32.SafeHandles;

namespace Biometrics.Vision.Imaging;

/// <summary>Owns an image (cv::Mat) allocated by the native shim; released exactly once.</summary>
internal sealed class MatHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public MatHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        NativeMethods.MatFree(handle);
        return true;
    }
}
