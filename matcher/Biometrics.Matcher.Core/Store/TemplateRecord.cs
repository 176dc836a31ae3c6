namespace Biometrics.Matcher.Store;

/// <summary>
/// A template to enrol. <see cref="SubjectId"/> is the raw identifier (e.g. a document number): it is
/// pseudonymised for the Redis key and kept only inside the encrypted payload. Immutable.
/// </summary>
/// <param name="SubjectId">The subject's identifier.</param>
/// <param name="Vector">The L2-normalised embedding (as long as the store option <c>VectorDimension</c> says; finite values).</param>
/// <param name="ModelId">The model that produced the vector (file name + SHA-256 prefix); templates are compared only within one model.</param>
/// <param name="Quality">Quality score of the enrolment capture, 0..1 (higher is better).</param>
/// <param name="EnrolledAt">When the subject was enrolled.</param>
/// <param name="Galleries">Named galleries the subject belongs to (e.g. <c>residents</c>, <c>watchlist</c>).</param>
public sealed record TemplateRecord(
    string SubjectId,
    ReadOnlyMemory<float> Vector,
    string ModelId,
    float Quality,
    DateTimeOffset EnrolledAt,
    IReadOnlyList<string> Galleries);
