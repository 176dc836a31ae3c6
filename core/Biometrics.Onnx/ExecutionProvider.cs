namespace Biometrics.Onnx;

/// <summary>Where a session runs its kernels.</summary>
public enum ExecutionProvider
{
    /// <summary>ORT's CPU execution provider (always available).</summary>
    Cpu = 0,

    /// <summary>
    /// NVIDIA CUDA. Requires <c>libonnxruntime_providers_cuda.so</c> beside <c>libonnxruntime.so.1</c> and a working CUDA
    /// installation; when it is requested and not usable, session creation throws - there is never a silent CPU fallback.
    /// </summary>
    Cuda = 1,
}
