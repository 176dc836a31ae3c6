namespace Biometrics.Matcher.Services;

/// <summary>A claim compared with a probe (<see cref="ClaimResolver.ScoreAsync"/>). Immutable.</summary>
/// <param name="Comparison">The score, or a model mismatch.</param>
/// <param name="ModelId">The model of the claimed template or reference.</param>
/// <param name="SubjectKey">Pseudonym of the enrolled subject (hex), or null for reference claims.</param>
/// <param name="ClaimMs">Time spent validating the claim, fetching the template and scoring it.</param>
public sealed record ScoredClaim(Comparison Comparison, string ModelId, string? SubjectKey, double ClaimMs);
