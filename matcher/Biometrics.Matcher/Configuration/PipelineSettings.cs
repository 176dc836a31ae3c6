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

    /// <summary>Run the liveness model.</summary>
    public bool EnableLiveness { get; set; } = true;
}
