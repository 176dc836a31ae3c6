namespace Biometrics.Vision.Face;

/// <summary>Where the face models run.</summary>
public enum ExecutionProvider
{
    /// <summary>ONNX Runtime's CPU provider (the default, and the only one the default build contains).</summary>
    Cpu,

    /// <summary>
    /// ONNX Runtime's CUDA provider: needs a build with <c>-p:OnnxGpu=true</c> and a host with CUDA and cuDNN; otherwise
    /// building the pipeline fails with a message saying which is missing (never a silent CPU fallback).
    /// </summary>
    Cuda,
}
