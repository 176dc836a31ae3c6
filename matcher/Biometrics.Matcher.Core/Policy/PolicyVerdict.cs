namespace Biometrics.Matcher.Policy;

/// <summary>
/// The policy's answer for one probe or one gate session. Immutable.
/// </summary>
/// <param name="Decision">What the gate should do.</param>
/// <param name="Reason">Machine-readable code from <see cref="ReasonCodes"/>.</param>
/// <param name="ReasonText">Human-readable explanation for the officer's console.</param>
/// <param name="Score">The (fused) cosine similarity with the claim, or null when no comparison was made.</param>
/// <param name="Threshold">The verify threshold in force (score &gt;= threshold means same person at the calibrated FMR).</param>
/// <param name="WatchlistHits">Watchlist hits that contributed (empty when none).</param>
/// <param name="ProbesUsed">Probes that contributed to the verdict.</param>
/// <param name="IsFinal">False only for <see cref="Decision.Retry"/>: the session stays open and the lane captures again.</param>
public sealed record PolicyVerdict(
    Decision Decision,
    string Reason,
    string ReasonText,
    float? Score,
    float Threshold,
    IReadOnlyList<WatchlistHit> WatchlistHits,
    int ProbesUsed,
    bool IsFinal);
