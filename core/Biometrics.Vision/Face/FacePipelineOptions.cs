using Biometrics.Onnx;

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

    /// <summary>Execution provider for every session (CUDA fails loudly when unavailable).</summary>
    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Cpu;

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
    /// Graph optimisation of the detector, landmark and liveness sessions (default <see cref="GraphOptimizationLevel.EnableAll"/>:
    /// its NCHWc layout transforms make fr_detect about 3x and fr_landmark about 2.5x cheaper than the lower levels).
    /// </summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; set; } = GraphOptimizationLevel.EnableAll;

    /// <summary>
    /// Graph optimisation of the fr_feature session (default <see cref="GraphOptimizationLevel.EnableExtended"/>): measured on
    /// the 2-core x86-64 machine, fr_feature costs about 110 ms of CPU per face at EnableAll but about 50 ms at EnableExtended
    /// (the layout transforms slow this network down), with identical outputs up to float rounding.
    /// </summary>
    public GraphOptimizationLevel EmbedderGraphOptimizationLevel { get; set; } = GraphOptimizationLevel.EnableExtended;

    /// <summary>The session options these settings imply (spinning always off).</summary>
    public SessionOptions CreateSessionOptions() => CreateSessionOptions(GraphOptimizationLevel);

    /// <summary>The session options these settings imply with a given optimisation level (spinning always off).</summary>
    public SessionOptions CreateSessionOptions(GraphOptimizationLevel level) => new()
    {
        IntraOpNumThreads = IntraOpNumThreads,
        InterOpNumThreads = InterOpNumThreads,
        ExecutionProvider = ExecutionProvider,
        GraphOptimizationLevel = level,
    };
}
