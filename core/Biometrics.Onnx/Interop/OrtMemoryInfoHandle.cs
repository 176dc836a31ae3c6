namespace Biometrics.Onnx.Interop;

/// <summary>Owns an <c>OrtMemoryInfo</c>; released with <c>ReleaseMemoryInfo</c>.</summary>
internal sealed unsafe class OrtMemoryInfoHandle : OrtSafeHandle
{
    public OrtMemoryInfoHandle()
    {
    }

    public OrtMemoryInfoHandle(nint existing)
    {
        SetHandle(existing);
    }

    protected override bool ReleaseHandle()
    {
        OrtNative.ReleaseMemoryInfo(handle);
        return true;
    }
}
