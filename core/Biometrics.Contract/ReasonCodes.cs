namespace Biometrics.Contract;

/// <summary>Machine-readable reason codes carried in every verdict (the wire field <c>Verdict.reason</c>).</summary>
public static class ReasonCodes
{
    /// <summary>Score at or above the verify threshold.</summary>
    public const string Match = "match";

    /// <summary>Enough good-quality probes, all below the verify threshold.</summary>
    public const string NoMatch = "no_match";

    /// <summary>A good probe scored below the threshold but more probes may still be taken.</summary>
    public const string BelowThresholdRetry = "below_threshold";

    /// <summary>A watchlist gallery entry reached the watchlist threshold.</summary>
    public const string WatchlistHit = "watchlist_hit";

    /// <summary>Prefix of quality failures: <c>low_quality:inter_eye</c>, <c>low_quality:sharpness</c>, <c>low_quality:brightness</c>, <c>low_quality:pose</c>.</summary>
    public const string LowQualityPrefix = "low_quality:";

    /// <summary>Inter-eye distance too small (face too far or too small).</summary>
    public const string LowQualityInterEye = LowQualityPrefix + "inter_eye";

    /// <summary>Face too blurred.</summary>
    public const string LowQualitySharpness = LowQualityPrefix + "sharpness";

    /// <summary>Face too dark or too bright.</summary>
    public const string LowQualityBrightness = LowQualityPrefix + "brightness";

    /// <summary>Head turned or tilted too far.</summary>
    public const string LowQualityPose = LowQualityPrefix + "pose";

    /// <summary>Liveness score below the limit (possible presentation attack): capture again.</summary>
    public const string Liveness = "liveness";

    /// <summary>Liveness failed repeatedly in one session: an officer must look.</summary>
    public const string PresentationAttackSuspected = "presentation_attack_suspected";

    /// <summary>No face found in the probe.</summary>
    public const string NoFace = "no_face";

    /// <summary>The session's time budget ran out before a decision.</summary>
    public const string BudgetExhausted = "budget_exhausted";

    /// <summary>The session used its maximum number of probes without a decision.</summary>
    public const string ProbeLimit = "probe_limit";

    /// <summary>The template store (or another dependency) is unavailable.</summary>
    public const string StoreUnavailable = "store_unavailable";

    /// <summary>A dependency other than the store is unavailable (watchlist index, model).</summary>
    public const string DependencyUnavailable = "dependency_unavailable";

    /// <summary>The lane cancelled the session (traveller walked away).</summary>
    public const string Cancelled = "cancelled";

    /// <summary>The probe and the claim's template were made by different models: they cannot be compared, and capturing
    /// again does not help.</summary>
    public const string ModelMismatch = "model_mismatch";

    /// <summary>No calibrated threshold exists for the probe's model_id.</summary>
    public const string NoThreshold = "no_threshold";
}
