using Microsoft.Win32.SafeHandles;

namespace Biometrics.Vision.Imaging;

/// <summary>Owns a QR code detector allocated by the native shim; released exactly once.</summary>
internal sealed class QrDetectorHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public QrDetectorHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        NativeMethods.QrDetectorFree(handle);
        return true;
    }
}
