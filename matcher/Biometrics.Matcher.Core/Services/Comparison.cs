namespace Biometrics.Matcher.Services;

/// <summary>Outcome of <see cref="FaceComparer.Compare"/>.</summary>
/// <param name="Score">Cosine similarity with the reference; null when nothing was compared.</param>
/// <param name="ModelMismatch">True when probe and reference come from different models (no score).</param>
public readonly record struct Comparison(float? Score, bool ModelMismatch)
{
    /// <summary>Nothing compared (no face or no claim).</summary>
    public static Comparison None => default;
}
