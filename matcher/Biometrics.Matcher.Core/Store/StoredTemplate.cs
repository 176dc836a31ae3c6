namespace Biometrics.Matcher.Store;

/// <summary>
/// A template read back from the store after successful authentication and decryption. Immutable (do not
/// modify <see cref="Vector"/>).
/// </summary>
/// <param name="SubjectKey">The subject's pseudonym (Redis key part).</param>
/// <param name="SubjectId">The raw identifier, recovered from the encrypted payload.</param>
/// <param name="Vector">The embedding.</param>
/// <param name="ModelId">The model that produced it.</param>
/// <param name="Quality">Enrolment quality, 0..1.</param>
/// <param name="EnrolledAt">Enrolment time.</param>
/// <param name="Galleries">The galleries the subject is in.</param>
/// <param name="Version">Per-subject record version: 1 at first enrolment, +1 on every re-enrolment.</param>
/// <param name="ChangeId">Id of the change-stream entry that wrote this version.</param>
public sealed record StoredTemplate(
    SubjectKey SubjectKey,
    string SubjectId,
    float[] Vector,
    string ModelId,
    float Quality,
    DateTimeOffset EnrolledAt,
    IReadOnlyList<string> Galleries,
    long Version,
    string ChangeId);
