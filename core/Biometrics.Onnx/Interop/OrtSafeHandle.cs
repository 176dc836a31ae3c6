using System.Runtime.InteropServices;

namespace Biometrics.Onnx.Interop;

/// <summary>Base of the SafeHandles that own one ORT object each; zero is the invalid value.</summary>
internal abstract class OrtSafeHandle : SafeHandle
{
    protected OrtSafeHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;
}
