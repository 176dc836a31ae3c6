namespace Biometrics.Matcher.Services;

/// <summary>The face pipeline as the domain sees it (the host implements it over the ONNX models). Thread-safe.</summary>
public interface IFaceEmbedder
{
    /// <summary>The model_id of the vectors this embedder produces.</summary>
    string ModelId { get; }

    /// <summary>Where the model runs, as the Operations status reports it: "cpu" (default) or "cuda".</summary>
    string ExecutionProvider => "cpu";

    /// <summary>The model file that computes the vectors (its name, as the Operations status reports it).</summary>
    string ModelFile => "fr_feature.onnx";

    /// <summary>Full hex SHA-256 of <see cref="ModelFile"/>, or null when unknown.</summary>
    string? ModelSha256 => null;

    /// <summary>Decodes <paramref name="image"/>, finds the largest face, measures its quality and liveness and embeds it.
    /// Returns null when the image holds no face.</summary>
    /// <exception cref="MatcherException">INVALID_ARGUMENT for corrupt or undecodable bytes, RESOURCE_EXHAUSTED for too
    /// large an image.</exception>
    Task<FaceVector?> EmbedAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken);
}
