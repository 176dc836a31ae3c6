using Biometrics.Matcher.Policy;

namespace Biometrics.Matcher.Services;

/// <summary>A face as it arrived on the wire, not yet validated: either an embedding with its model_id (and the edge's
/// quality), or encoded image bytes for the matcher's own pipeline. Immutable.</summary>
/// <param name="Values">Embedding values (empty for an image).</param>
/// <param name="ModelId">Model of the embedding.</param>
/// <param name="Image">Encoded JPEG/PNG/BMP bytes (empty for an embedding).</param>
/// <param name="Quality">Quality measured at the edge (embeddings only); <see cref="ProbeQuality.Unmeasured"/> when unknown.</param>
public sealed record FaceInput(ReadOnlyMemory<float> Values, string ModelId, ReadOnlyMemory<byte> Image, ProbeQuality Quality)
{
    /// <summary>True when this is an image for the pipeline.</summary>
    public bool IsImage => Values.IsEmpty && !Image.IsEmpty;

    /// <summary>An embedding input.</summary>
    public static FaceInput FromEmbedding(ReadOnlyMemory<float> values, string modelId, ProbeQuality? quality = null) =>
        new(values, modelId ?? string.Empty, ReadOnlyMemory<byte>.Empty, quality ?? ProbeQuality.Unmeasured);

    /// <summary>An image input.</summary>
    public static FaceInput FromImage(ReadOnlyMemory<byte> image) =>
        new(ReadOnlyMemory<float>.Empty, string.Empty, image, ProbeQuality.Unmeasured);
}
