using System.Text.Json.Serialization;

namespace Biometrics.Matcher.Policy;

/// <summary>
/// The calibrated thresholds of one model_id: one entry of <c>calibration.json</c>. Scores of this model only; a
/// threshold never carries over to another model.
/// </summary>
/// <param name="ModelId">Model file name + SHA-256 prefix.</param>
/// <param name="Verify">1:1 verification threshold (default target FMR 1e-4).</param>
/// <param name="Watchlist">Watchlist threshold (default target FMR 1e-3 per comparison).</param>
/// <param name="GenuinePairs">Genuine pairs in the calibration set.</param>
/// <param name="ImpostorPairs">Impostor pairs in the calibration set.</param>
/// <param name="Date">Calibration date, yyyy-MM-dd.</param>
public sealed record ModelThresholds(
    [property: JsonPropertyName("model_id")] string ModelId,
    [property: JsonPropertyName("verify")] ThresholdEstimate Verify,
    [property: JsonPropertyName("watchlist")] ThresholdEstimate Watchlist,
    [property: JsonPropertyName("genuine_pairs")] int GenuinePairs,
    [property: JsonPropertyName("impostor_pairs")] int ImpostorPairs,
    [property: JsonPropertyName("date")] string Date)
{
    /// <summary>Verify threshold: a 1:1 score &gt;= this is a match.</summary>
    [JsonIgnore]
    public float VerifyThreshold => Verify.Threshold;

    /// <summary>Watchlist threshold: a 1:N score &gt;= this is a hit.</summary>
    [JsonIgnore]
    public float WatchlistThreshold => Watchlist.Threshold;
}
