namespace Biometrics.Matcher.Gallery;

/// <summary>
/// One candidate of a 1:N search: the subject key of a gallery row and its similarity to the probe.
/// </summary>
/// <param name="SubjectId">The key the template was stored under (a pseudonymised subject key, never a document number).</param>
/// <param name="Score">
/// Cosine similarity (dot product of two L2-normalised embeddings) in [-1, 1], computed in single-precision
/// float over the full vectors; higher means more similar. Compare it only with a threshold calibrated for the
/// gallery's model_id.
/// </param>
public readonly record struct GalleryMatch(string SubjectId, float Score);
