namespace Biometrics.Matcher.Store;

/// <summary>The outcome of an acknowledged upsert: Redis has applied (and, when configured, fsynced and replicated) it.</summary>
/// <param name="SubjectKey">The subject's pseudonym.</param>
/// <param name="Version">The new record version.</param>
/// <param name="ChangeId">Id of the change-stream entry announcing it.</param>
public readonly record struct TemplateUpsertResult(SubjectKey SubjectKey, long Version, string ChangeId);
