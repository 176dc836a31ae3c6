namespace Biometrics.Onnx.Interop;

/// <summary>Owns an <c>OrtSession</c>; released with <c>ReleaseSession</c>.</summary>
internal sealed unsafe class OrtSessionHandle : OrtSafeHandle
{
    public OrtSessionHandle()
    {
    }

    public OrtSessionHandle(nint existing)
    {
        SetHandle(existing);
    }

    protected override bool ReleaseHandle()
    {
        OrtNative.ReleaseSession(handle);
        return true;
    }
}
