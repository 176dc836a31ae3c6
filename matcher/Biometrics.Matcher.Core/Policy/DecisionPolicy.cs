namespace Biometrics.Matcher.Policy;

/// <summary>
/// The decision table, the only one (docs/POLICY.md, section 4): unary Verify decides each probe with it, and a gate
/// session (<see cref="SessionFusion"/>) decides each of its probes with it before fusing them. Rules, first match wins:
/// a dependency down gives REFER; a watchlist hit gives REFER with the hits; an exhausted budget gives REFER; probe and
/// claim from different models give REFER (<c>model_mismatch</c>); a probe outside the <see cref="QualityLimits"/> gives
/// RETRY with the failed limit; no comparison gives RETRY (<c>no_face</c>); no calibrated threshold gives REFER;
/// score &gt;= threshold gives ACCEPT; otherwise REJECT. There is no path to ACCEPT without a score at or above a
/// calibrated threshold. Immutable and thread-safe.
/// </summary>
public sealed class DecisionPolicy
{
    /// <summary>Creates the policy with validated <paramref name="limits"/>.</summary>
    public DecisionPolicy(QualityLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        Limits = limits.Validate();
    }

    /// <summary>The quality limits in force.</summary>
    public QualityLimits Limits { get; }

    /// <summary>Decides one probe.</summary>
    public PolicyVerdict Decide(DecisionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var hits = input.WatchlistHits ?? [];
        if (input.UnavailableDependency is { } dep)
        {
            return Final(Decision.Refer, dep, $"a dependency is unavailable ({dep}): refer to an officer", input.Score, input.Threshold, hits);
        }

        if (hits.Count > 0)
        {
            return Final(Decision.Refer, ReasonCodes.WatchlistHit, $"watchlist hit ({hits.Count}): refer to an officer", input.Score, input.Threshold, hits);
        }

        if (input.BudgetLeft <= TimeSpan.Zero)
        {
            return Final(Decision.Refer, ReasonCodes.BudgetExhausted, "the time budget ran out before a decision", input.Score, input.Threshold, hits);
        }

        if (input.ModelMismatch)
        {
            return Final(Decision.Refer, ReasonCodes.ModelMismatch, "the probe and the claim were made by different face models and cannot be compared: refer to an officer", null, input.Threshold, hits);
        }

        var quality = Limits.Check(input.Quality);
        if (!quality.Passed)
        {
            return new PolicyVerdict(Decision.Retry, quality.Reason!, quality.Text!, null, input.Threshold, hits, 0, IsFinal: false);
        }

        if (input.Score is not { } score || !float.IsFinite(score))
        {
            return new PolicyVerdict(Decision.Retry, ReasonCodes.NoFace, "no face could be compared: capture again", null, input.Threshold, hits, 0, IsFinal: false);
        }

        if (!float.IsFinite(input.Threshold))
        {
            return Final(Decision.Refer, ReasonCodes.NoThreshold, "no calibrated threshold for this model", score, input.Threshold, hits);
        }

        return score >= input.Threshold
            ? Final(Decision.Accept, ReasonCodes.Match, $"score {score:F3} >= threshold {input.Threshold:F3}", score, input.Threshold, hits)
            : Final(Decision.Reject, ReasonCodes.NoMatch, $"score {score:F3} < threshold {input.Threshold:F3}", score, input.Threshold, hits);
    }

    private static PolicyVerdict Final(Decision d, string reason, string text, float? score, float threshold, IReadOnlyList<WatchlistHit> hits) =>
        new(d, reason, text, score, threshold, hits, score is null ? 0 : 1, IsFinal: true);
}
