namespace Biometrics.Matcher.Policy;

/// <summary>What <see cref="Calibrator.Calibrate"/> and <see cref="CalibrateCommand"/> compute.</summary>
public sealed record CalibrationOptions
{
    /// <summary>The model_id the scores were produced with.</summary>
    public required string ModelId { get; init; }

    /// <summary>Target FMR of the verify (1:1) threshold.</summary>
    public double VerifyTargetFmr { get; init; } = Calibrator.DefaultVerifyFmr;

    /// <summary>Target FMR of the watchlist threshold (per comparison).</summary>
    public double WatchlistTargetFmr { get; init; } = Calibrator.DefaultWatchlistFmr;

    /// <summary>Margin over the highest impostor score when a target FMR cannot be resolved.</summary>
    public float UnresolvedMargin { get; init; } = Calibrator.DefaultUnresolvedMargin;

    /// <summary>Calibration date recorded in the output (today, UTC, when null).</summary>
    public DateOnly? Date { get; init; }
}
