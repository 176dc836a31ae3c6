namespace Biometrics.Onnx.Interop;

/// <summary>Owns an <c>OrtEnv</c>; released with <c>ReleaseEnv</c>.</summary>
internal sealed unsafe class OrtEnvHandle : OrtSafeHandle
{
    public OrtEnvHandle()
    {
    }

    public OrtEnvHandle(nint existing)
    {
        SetHandle(existing);
    }

    protected override bool ReleaseHandle()
    {
        OrtNative.ReleaseEnv(handle);
        return true;
    }
}
