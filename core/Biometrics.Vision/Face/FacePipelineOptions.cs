
using Microsoft.ML.OnnxRuntime;

namespace Biometrics.Vision.Face;

/// <summary>Configuration of a <see cref="FacePipeline"/>. Read once when the pipeline is built.</summary>
public sealed class FacePipelineOptions
{
    /// <summary>Folder with the <c>fr_*.onnx</c> files; null means <see cref="RuntimeDependencies.ModelsDirectory"/>.</summary>
    public string? ModelsDirectory { get; set; }

    /// <summary>Intra-op threads of every model session (default 1: scale by running several images concurrently).</summary>
    public int IntraOpNumThreads { get; set; } = 1;

    /// <summary>Inter-op threads of every model session (default 1).</summary>
    public int InterOpNumThreads { get; set; } = 1;

    /// <summary>Execution provider for every session (default CPU; CUDA fails loudly when unavailable, see docs/VISION.md).</summary>
    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Cpu;

    /// <summary>CUDA device ordinal when <see cref="ExecutionProvider"/> is <see cref="ExecutionProvider.Cuda"/> (default 0).</summary>
    public int CudaDeviceId { get; set; }

    /// <summary>Minimum detector face probability (default 0.7).</summary>
    public float DetectionThreshold { get; set; } = 0.7f;

    /// <summary>NMS intersection-over-union limit (default 0.3).</summary>
    public float NmsIouThreshold { get; set; } = 0.3f;

    /// <summary>Smallest face box side in image pixels that is kept (default 12).</summary>
    public float MinFaceSize { get; set; } = 12;

    /// <summary>At most this many faces (the largest) are analysed per image (default 16).</summary>
    public int MaxFaces { get; set; } = 16;

    /// <summary>Run the liveness model on every face (default true).</summary>
    public bool EnableLiveness { get; set; } = true;

    /// <summary>Liveness class index taken as live (default <see cref="LivenessDetector.DefaultLiveClassIndex"/>).</summary>
    public int LiveClassIndex { get; set; } = LivenessDetector.DefaultLiveClassIndex;

    /// <summary>Average the embeddings of the face and its mirror image (default false).</summary>
    public bool FlipAverage { get; set; }

    /// <summary>
    /// When no face is detected, analyse a centred square crop instead and flag it with <see cref="FaceAnalysis.IsFallback"/>
    /// (for evaluation sets of pre-cropped faces; never for gate decisions). Default false.
    /// </summary>
    public bool FallbackToCenterCrop { get; set; }

    /// <summary>Side of the fallback crop relative to the shorter image side (default 0.5).</summary>
    public float CenterCropFraction { get; set; } = 0.5f;

    /// <summary>
    /// Graph optimisation of the detector, landmark and liveness sessions (default <see cref="GraphOptimizationLevel.ORT_ENABLE_ALL"/>:
    /// its NCHWc layout transforms make fr_detect about 3x and fr_landmark about 2.5x cheaper than the lower levels).
    /// </summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; set; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>
    /// Graph optimisation of the fr_feature session (default <see cref="GraphOptimizationLevel.ORT_ENABLE_ALL"/>): with ONNX
    /// Runtime 1.32 on the 2-core x86-64 machine, fr_feature costs about 9 ms of CPU per face at EnableAll against about
    /// 12-15 ms at EnableExtended, with the same embeddings up to float rounding (docs/PERFORMANCE.md).
    /// </summary>
    public GraphOptimizationLevel EmbedderGraphOptimizationLevel { get; set; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>
    /// Which copy of fr_feature embeds faces (default <see cref="EmbedderModel.Rewritten"/>: the published function, about
    /// 2.5x faster; docs/VISION.md, "Embedder model copies"). <see cref="EmbedderModel.Int8"/> has its own model id.
    /// </summary>
    public EmbedderModel EmbedderModel { get; set; } = EmbedderModel.Rewritten;

    /// <summary>
    /// New ONNX Runtime session options for these settings at optimisation <paramref name="level"/>: thread counts as set,
    /// thread spinning off (spinning workers steal CPU from Kestrel and Redis on a small shared machine), and the CUDA
    /// provider when asked for. The caller disposes them (sessions keep their own copy).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A thread count is negative.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was asked for but this build or host cannot provide it.</exception>
    public SessionOptions CreateSessionOptions(GraphOptimizationLevel level)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(IntraOpNumThreads);
        ArgumentOutOfRangeException.ThrowIfNegative(InterOpNumThreads);
        var options = new SessionOptions
        {
            IntraOpNumThreads = IntraOpNumThreads,
            InterOpNumThreads = InterOpNumThreads,
            GraphOptimizationLevel = level,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        try
        {
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
            if (ExecutionProvider == ExecutionProvider.Cuda)
            {
                AppendCuda(options);
            }

            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    private void AppendCuda(SessionOptions options)
    {
        if (!OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"))
        {
            throw new ExecutionProviderUnavailableException(
                "The CUDA execution provider was configured but this build carries the CPU-only ONNX Runtime. " +
                "Build with -p:OnnxGpu=true on a host with CUDA and cuDNN, or configure the CPU provider; there is no silent CPU fallback.");
        }

        try
        {
            options.AppendExecutionProvider_CUDA(CudaDeviceId);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ExecutionProviderUnavailableException(
                $"The CUDA execution provider was configured but cannot start on this host (device {CudaDeviceId}): {e.Message} " +
                "Install CUDA and cuDNN as docs/VISION.md says, or configure the CPU provider; there is no silent CPU fallback.", e);
        }
    }
}
