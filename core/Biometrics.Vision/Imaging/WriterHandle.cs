using Microsoft.Win32.SafeHandles;

namespace Biometrics.Vision.Imaging;

/// <summary>Owns a video writer (releasing it finalises the file) allocated by the native shim; released exactly once.</summary>
internal sealed class WriterHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public WriterHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        NativeMethods.WriterFree(handle);
        return true;
    }
}
