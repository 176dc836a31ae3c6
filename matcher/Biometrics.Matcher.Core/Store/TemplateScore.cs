namespace Biometrics.Matcher.Store;

/// <summary>A stored template scored against a probe without being materialised (<see cref="ITemplateStore.ScoreAsync"/>). Immutable.</summary>
/// <param name="SubjectKey">The subject's pseudonym.</param>
/// <param name="ModelId">The model of the stored template.</param>
/// <param name="Score">The score; null when the template is of another model than the probe (nothing compared).</param>
public sealed record TemplateScore(SubjectKey SubjectKey, string ModelId, float? Score);
