namespace Biometrics.Onnx.Interop;

/// <summary>Owns an <c>OrtSessionOptions</c>; released with <c>ReleaseSessionOptions</c>.</summary>
internal sealed unsafe class OrtSessionOptionsHandle : OrtSafeHandle
{
    public OrtSessionOptionsHandle()
    {
    }

    public OrtSessionOptionsHandle(nint existing)
    {
        SetHandle(existing);
    }

    protected override bool ReleaseHandle()
    {
        OrtNative.ReleaseSessionOptions(handle);
        return true;
    }
}
