namespace Biometrics.Onnx.Interop;

/// <summary>Owns an <c>OrtValue</c>; released with <c>ReleaseValue</c>.</summary>
internal sealed unsafe class OrtValueHandle : OrtSafeHandle
{
    public OrtValueHandle()
    {
    }

    public OrtValueHandle(nint existing)
    {
        SetHandle(existing);
    }

    protected override bool ReleaseHandle()
    {
        OrtNative.ReleaseValue(handle);
        return true;
    }
}
