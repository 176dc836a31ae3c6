using Biometrics.Matcher.Policy;

namespace Biometrics.Matcher.Services;

/// <summary>The answer to one verification or gate session. Immutable.</summary>
/// <param name="Verdict">The policy's verdict (decision, score, threshold, reason, watchlist hits).</param>
/// <param name="ModelId">Model of the compared vectors (empty when nothing was compared).</param>
/// <param name="TransactionId">Unique decision id, also in the audit record.</param>
/// <param name="Timings">Per-stage times.</param>
public sealed record VerificationResult(PolicyVerdict Verdict, string ModelId, string TransactionId, StageTimes Timings);
