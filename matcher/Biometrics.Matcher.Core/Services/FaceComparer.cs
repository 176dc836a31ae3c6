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
    /// <summary>Scores <paramref name="probe"/> against <paramref name="reference"/>.</summary>
    public static Comparison Compare(FaceVector probe, FaceVector reference)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(reference);
        return string.Equals(probe.ModelId, reference.ModelId, StringComparison.Ordinal)
            ? new Comparison(TensorPrimitives.Dot(probe.Vector, reference.Vector), ModelMismatch: false)
            : new Comparison(null, ModelMismatch: true);
    }
}
