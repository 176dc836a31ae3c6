namespace Biometrics.Matcher.Store;

/// <summary>Scores a probe against a reference vector of the same model (the matcher passes
/// <c>FaceComparer.Similarity</c>); the spans are valid only during the call.</summary>
/// <param name="probe">The probe vector.</param>
/// <param name="reference">The stored vector.</param>
public delegate float VectorScore(ReadOnlySpan<float> probe, ReadOnlySpan<float> reference);
