namespace Biometrics.Vision.Face;

/// <summary>
/// Presentation-attack (liveness) result of one face: <see cref="LiveScore"/> is the model's softmax probability, in [0,1],
/// that the face is a live person rather than a photo or screen replay; <see cref="Probabilities"/> are the three raw
/// class probabilities in model order. Immutable.
/// </summary>
public sealed record LivenessResult(float LiveScore, IReadOnlyList<float> Probabilities)
{
    /// <summary>True when <see cref="LiveScore"/> reaches <paramref name="threshold"/>.</summary>
    public bool IsLive(float threshold = 0.5f) => LiveScore >= threshold;
}
