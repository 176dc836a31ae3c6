namespace Biometrics.Onnx.Interop;

/// <summary>Owns an <c>OrtTypeInfo</c>; released with <c>ReleaseTypeInfo</c>.</summary>
internal sealed unsafe class OrtTypeInfoHandle : OrtSafeHandle
{
    public OrtTypeInfoHandle()
    {
    }

    public OrtTypeInfoHandle(nint existing)
    {
        SetHandle(existing);
    }

    protected override bool ReleaseHandle()
    {
        OrtNative.ReleaseTypeInfo(handle);
        return true;
    }
}
