namespace Biometrics.Matcher.Policy;

/// <summary>Everything <see cref="DecisionPolicy.Decide"/> needs about one probe.</summary>
/// <param name="Quality">Quality and liveness of the probe.</param>
/// <param name="Score">Cosine similarity with the claim; null when no comparison was made (no face, no template).</param>
/// <param name="Threshold">Verify threshold for the model_id (NaN when none is calibrated: the verdict is then REFER).</param>
/// <param name="WatchlistHits">Watchlist entries at or above their threshold (null or empty when none).</param>
/// <param name="BudgetLeft">Time left in the caller's budget; zero or negative means exhausted.</param>
/// <param name="UnavailableDependency">Null when all dependencies answered; otherwise a <see cref="ReasonCodes"/> value such as <see cref="ReasonCodes.StoreUnavailable"/>.</param>
/// <param name="ModelMismatch">True when the probe and the claim come from different models (no score; REFER).</param>
public sealed record DecisionInput(
    ProbeQuality Quality,
    float? Score,
    float Threshold,
    IReadOnlyList<WatchlistHit>? WatchlistHits,
    TimeSpan BudgetLeft,
    string? UnavailableDependency = null,
    bool ModelMismatch = false);
