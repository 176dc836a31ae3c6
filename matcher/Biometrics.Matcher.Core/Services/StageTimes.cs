namespace Biometrics.Matcher.Services;

/// <summary>Server-side time per stage of one decision, milliseconds.</summary>
/// <param name="ClaimMs">Claim validation and template fetch.</param>
/// <param name="PipelineMs">Face pipeline (image probes/claims).</param>
/// <param name="CompareMs">1:1 comparison.</param>
/// <param name="WatchlistMs">1:N watchlist screening (in parallel with the claim).</param>
/// <param name="PolicyMs">Decision and audit hand-off.</param>
/// <param name="TotalMs">From receipt to verdict.</param>
public readonly record struct StageTimes(double ClaimMs, double PipelineMs, double CompareMs, double WatchlistMs, double PolicyMs, double TotalMs);
