namespace Biometrics.Matcher.Policy;

/// <summary>Rules of a gate session (see <see cref="SessionFusion"/>).</summary>
public sealed record SessionFusionOptions
{
    /// <summary>How good probes are fused into the reported score.</summary>
    public FusionMethod Fusion { get; init; } = FusionMethod.MeanTop2;

    /// <summary>A single probe at or above threshold + this margin is a strong match: ACCEPT at once.</summary>
    public float StrongMatchMargin { get; init; } = 0.08f;

    /// <summary>This many good probes at or above the threshold also give ACCEPT.</summary>
    public int ProbesOverThresholdToAccept { get; init; } = 2;

    /// <summary>REJECT once this many good-quality probes have all scored below the threshold.</summary>
    public int GoodProbesToReject { get; init; } = 3;

    /// <summary>REFER (probe_limit) when this many probes came without a decision.</summary>
    public int MaxProbes { get; init; } = 15;

    /// <summary>REFER (presentation_attack_suspected) after this many probes failed liveness.</summary>
    public int MaxLivenessFailures { get; init; } = 3;

    /// <summary>Throws when a rule is out of range.</summary>
    public SessionFusionOptions Validate()
    {
        if (!(StrongMatchMargin >= 0) || ProbesOverThresholdToAccept < 1 || GoodProbesToReject < 1 || MaxProbes < 1 || MaxLivenessFailures < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(SessionFusionOptions), "session rules must be positive");
        }

        return this;
    }
}
