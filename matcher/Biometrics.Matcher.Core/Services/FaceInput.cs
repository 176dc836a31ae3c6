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

    /// <summary>
    /// True when <see cref="Values"/> is a whole array made for this input alone (the gRPC mapping copies the wire values
    /// into one): <see cref="FaceResolver"/> then normalises it in place instead of copying it again, one 2 KB array
    /// fewer per Verify (docs/PERFORMANCE.md, "Verify at peak"). Nothing may read the values after resolving.
    /// </summary>
    public bool OwnsValues { get; private init; }

    /// <summary>An embedding input that hands <paramref name="values"/> over (see <see cref="OwnsValues"/>).</summary>
    public static FaceInput FromOwnedEmbedding(float[] values, string modelId, ProbeQuality? quality = null) =>
        new(values, modelId ?? string.Empty, ReadOnlyMemory<byte>.Empty, quality ?? ProbeQuality.Unmeasured) { OwnsValues = values.Length > 0 };

    /// <summary>
    /// True when <see cref="Values"/> is a whole array rented from <c>ArrayPool&lt;float&gt;.Shared</c> for this input
    /// alone (it owns its values too): <see cref="VerificationService"/> returns it once nothing can read the probe any
    /// more, one 2 KB array fewer per Verify (docs/PERFORMANCE.md, "Verify at peak", fifth round); a path that cannot
    /// tell leaves it to the garbage collector.
    /// </summary>
    public bool Pooled { get; private init; }

    /// <summary>An embedding input in a rented array (see <see cref="Pooled"/>).</summary>
    public static FaceInput FromPooledEmbedding(float[] rented, string modelId, ProbeQuality? quality = null) =>
        FromOwnedEmbedding(rented, modelId, quality) with { Pooled = rented.Length > 0 };

    /// <summary>An image input.</summary>
    public static FaceInput FromImage(ReadOnlyMemory<byte> image) =>
        new(ReadOnlyMemory<float>.Empty, string.Empty, image, ProbeQuality.Unmeasured);
}
