namespace Biometrics.Onnx.Interop;

/// <summary>Owns an <c>OrtTensorTypeAndShapeInfo</c>; released with <c>ReleaseTensorTypeAndShapeInfo</c>.</summary>
internal sealed unsafe class OrtTensorTypeAndShapeInfoHandle : OrtSafeHandle
{
    public OrtTensorTypeAndShapeInfoHandle()
    {
    }

    public OrtTensorTypeAndShapeInfoHandle(nint existing)
    {
        SetHandle(existing);
    }

    protected override bool ReleaseHandle()
    {
        OrtNative.ReleaseTensorTypeAndShapeInfo(handle);
        return true;
    }
}
