using Biometrics.Matcher.Policy;

namespace Biometrics.Matcher.Services;

/// <summary>A validated, L2-normalised face vector with its model and quality (a probe, a reference or an enrolment
/// capture). Immutable (do not modify <see cref="Vector"/>).</summary>
/// <param name="Vector">Unit-length embedding.</param>
/// <param name="ModelId">The model that produced it.</param>
/// <param name="Quality">Quality and liveness of the capture.</param>
/// <param name="PipelineMs">Time the face pipeline took (0 for embeddings from the edge).</param>
/// <param name="DetectionScore">Detector confidence in [0, 1] (images only; 0 otherwise).</param>
public sealed record FaceVector(float[] Vector, string ModelId, ProbeQuality Quality, double PipelineMs = 0, float DetectionScore = 0);
