using System.Text.Json.Serialization;

namespace Biometrics.Matcher.Policy;

/// <summary>A threshold computed for one target false-match rate, with what it achieves on the calibration data.</summary>
/// <param name="TargetFmr">The false-match rate asked for (fraction of impostor pairs accepted).</param>
/// <param name="Threshold">Cosine threshold: a score &gt;= threshold is a match.</param>
/// <param name="AchievedFmr">Fraction of calibration impostor scores &gt;= threshold.</param>
/// <param name="Fnmr">Fraction of calibration genuine scores &lt; threshold (false non-match rate at the threshold).</param>
/// <param name="Resolved">
/// True when there were enough impostor pairs (&gt;= 3 / target FMR) to resolve the target; false when the threshold is
/// the fallback max impostor score + margin.
/// </param>
/// <param name="Note">Why the estimate is unresolved, or null.</param>
public sealed record ThresholdEstimate(
    [property: JsonPropertyName("target_fmr")] double TargetFmr,
    [property: JsonPropertyName("threshold")] float Threshold,
    [property: JsonPropertyName("achieved_fmr")] double AchievedFmr,
    [property: JsonPropertyName("fnmr")] double Fnmr,
    [property: JsonPropertyName("resolved")] bool Resolved,
    [property: JsonPropertyName("note")] string? Note);
