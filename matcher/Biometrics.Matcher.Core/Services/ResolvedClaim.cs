namespace Biometrics.Matcher.Services;

/// <summary>A claim turned into the reference vector to compare with. Immutable.</summary>
/// <param name="Reference">The claimed face (decrypted template or reference).</param>
/// <param name="SubjectKey">Pseudonym of the enrolled subject (hex), or null for reference claims.</param>
/// <param name="ClaimMs">Time spent validating the claim and fetching the template.</param>
public sealed record ResolvedClaim(FaceVector Reference, string? SubjectKey, double ClaimMs);
