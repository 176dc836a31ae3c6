using System.Numerics.Tensors;

namespace Biometrics.Matcher.Services;

/// <summary>
/// The one compare step of Verify and gate sessions. A probe is prepared once at the boundary (<see cref="FaceResolver"/>
/// validates and L2-normalises it into a <see cref="FaceVector"/>) and trusted after; this scores it against a reference:
/// the cosine similarity (dot product of unit vectors, in [-1, 1], higher = more alike) when both come from the same
/// model_id, otherwise a model mismatch, since scores of different models are not comparable (docs/POLICY.md, section 1).
/// Stateless and thread-safe.
/// </summary>
public static class FaceComparer
{
    /// <summary>
    /// The score itself: the cosine similarity of two unit-length vectors of one model (their dot product, in [-1, 1],
    /// higher = more alike). The 1:N galleries score their exact scan and the re-rank of their int8 candidates with it,
    /// so a 1:N score equals the 1:1 score of the same pair.
    /// </summary>
    public static float Similarity(ReadOnlySpan<float> probe, ReadOnlySpan<float> reference) => TensorPrimitives.Dot(probe, reference);

    /// <summary>Scores <paramref name="probe"/> against <paramref name="reference"/>.</summary>
    public static Comparison Compare(FaceVector probe, FaceVector reference)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(reference);
        return string.Equals(probe.ModelId, reference.ModelId, StringComparison.Ordinal)
            ? new Comparison(Similarity(probe.Vector, reference.Vector), ModelMismatch: false)
            : new Comparison(null, ModelMismatch: true);
    }
}
