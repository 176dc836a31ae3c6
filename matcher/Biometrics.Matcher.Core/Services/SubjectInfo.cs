namespace Biometrics.Matcher.Services;

/// <summary>Metadata of an enrolled subject (never the vector). Immutable.</summary>
/// <param name="SubjectKey">Pseudonym (hex HMAC).</param>
/// <param name="ModelId">Model of the template.</param>
/// <param name="Version">Template version.</param>
/// <param name="Galleries">Gallery memberships.</param>
/// <param name="EnrolledAt">When it was (re-)enrolled.</param>
/// <param name="Quality">Enrolment capture quality, 0..1.</param>
public sealed record SubjectInfo(string SubjectKey, string ModelId, long Version, IReadOnlyList<string> Galleries, DateTimeOffset EnrolledAt, float Quality);
