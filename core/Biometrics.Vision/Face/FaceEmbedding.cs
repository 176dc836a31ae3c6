using System.Numerics.Tensors;

namespace Biometrics.Vision.Face;

/// <summary>
/// A 512-dimensional, L2-normalised face template produced by one model (<see cref="ModelId"/>). Two embeddings are
/// compared by cosine similarity (their dot product): 1 = identical, around 0 = unrelated people; only embeddings with
/// the same <see cref="ModelId"/> may be compared. Immutable.
/// </summary>
public sealed class FaceEmbedding
{
    private readonly float[] _vector;

    /// <summary>Wraps <paramref name="vector"/> (not copied; must already be L2-normalised).</summary>
    public FaceEmbedding(float[] vector, string modelId)
    {
        _vector = vector ?? throw new ArgumentNullException(nameof(vector));
        ModelId = modelId ?? throw new ArgumentNullException(nameof(modelId));
    }

    /// <summary>The normalised vector.</summary>
    public ReadOnlySpan<float> Vector => _vector;

    /// <summary>Model identity: <c>fr_feature-</c> plus the first 12 hex digits of the model file's SHA-256.</summary>
    public string ModelId { get; }

    /// <summary>Cosine similarity in [-1,1] with <paramref name="other"/>; throws when the model ids differ.</summary>
    public float Similarity(FaceEmbedding other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!string.Equals(ModelId, other.ModelId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Embeddings of different models cannot be compared ({ModelId} vs {other.ModelId}).");
        }

        return TensorPrimitives.Dot(Vector, other.Vector);
    }

    /// <summary>A copy of the vector.</summary>
    public float[] ToArray() => (float[])_vector.Clone();
}
