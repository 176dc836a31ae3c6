namespace Biometrics.Matcher.Configuration;

/// <summary>The face pipeline settings.</summary>
public sealed class PipelineSettings
{
    /// <summary>Load the face models (image probes, chip photos, enrolment from images). When false, only embeddings are accepted.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Folder with the <c>fr_*.onnx</c> models; empty means <c>.deps/models</c> of the repository.</summary>
    public string? ModelsDirectory { get; set; }

    /// <summary>Images processed at the same time (each uses <see cref="IntraOpThreads"/> threads).</summary>
    public int MaxConcurrency { get; set; } = 2;

    /// <summary>ONNX Runtime intra-op threads per model.</summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>
    /// Where the face models run: Cpu (default) or Cuda, which needs a build with <c>-p:OnnxGpu=true</c> and a CUDA host; when
    /// either is missing the matcher fails at startup with a message saying which (docs/VISION.md, "GPU").
    /// </summary>
    public Biometrics.Vision.Face.ExecutionProvider ExecutionProvider { get; set; } = Biometrics.Vision.Face.ExecutionProvider.Cpu;

    /// <summary>Run the liveness model.</summary>
    public bool EnableLiveness { get; set; } = true;
}
