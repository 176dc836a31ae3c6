namespace Biometrics.Matcher.Policy;

/// <summary>
/// Decision state of one gate session (one traveller at one lane): fuses the session's probes and answers as soon as
/// the rules allow. Each probe is decided by the <see cref="DecisionPolicy"/> table first (so a probe gets the same
/// answer here as in unary Verify): a REFER there (watchlist hit, model mismatch, no calibrated threshold) ends the
/// session; a RETRY (quality, liveness, no face) keeps it open (repeated liveness failures give REFER); a strong match (score &gt;= threshold + margin) or
/// enough probes at or above the threshold give ACCEPT; enough good probes all below the threshold give REJECT; the
/// probe limit, an exhausted budget, a dependency down or a cancel give REFER. Never a silent accept.
/// </summary>
/// <remarks>Not thread-safe: one instance per session, driven by the session's stream.</remarks>
public sealed class SessionFusion
{
    private readonly DecisionPolicy _policy;
    private readonly SessionFusionOptions _options;
    private readonly List<float> _goodScores = [];
    private readonly List<WatchlistHit> _hits = [];
    private int _probes;
    private int _livenessFailures;

    /// <summary>Starts a session against the verify <paramref name="threshold"/> of the claim's model_id.</summary>
    public SessionFusion(float threshold, QualityLimits limits, SessionFusionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        Threshold = threshold;
        _policy = new DecisionPolicy(limits);
        _options = (options ?? new SessionFusionOptions()).Validate();
    }

    /// <summary>The verify threshold in force.</summary>
    public float Threshold { get; }

    /// <summary>The final verdict once the session has decided, else null.</summary>
    public PolicyVerdict? Final { get; private set; }

    /// <summary>Probes received so far.</summary>
    public int ProbeCount => _probes;

    /// <summary>Fused score of the good probes so far (null before the first good probe).</summary>
    public float? FusedScore
    {
        get
        {
            if (_goodScores.Count == 0)
            {
                return null;
            }

            var sorted = _goodScores.OrderDescending().ToArray();
            return _options.Fusion == FusionMethod.Max || sorted.Length == 1 ? sorted[0] : (sorted[0] + sorted[1]) / 2f;
        }
    }

    /// <summary>
    /// Adds one probe: its quality, its score against the claim (null when no face was compared), its watchlist hits and
    /// whether its model differs from the claim's. The probe is first decided alone by the <see cref="DecisionPolicy"/>
    /// table: a REFER there ends the session; a RETRY keeps it open (repeated liveness failures give REFER); an ACCEPT or
    /// REJECT counts as a good probe for the fusion rules. Returns RETRY (not final) while the session goes on, or the
    /// final verdict. After the final verdict it keeps returning that verdict.
    /// </summary>
    public PolicyVerdict AddProbe(ProbeQuality quality, float? score, IReadOnlyList<WatchlistHit>? watchlistHits = null, bool modelMismatch = false)
    {
        ArgumentNullException.ThrowIfNull(quality);
        if (Final is not null)
        {
            return Final;
        }

        _probes++;
        if (watchlistHits is { Count: > 0 })
        {
            _hits.AddRange(watchlistHits);
        }

        // The session's budget is its timer's business (BudgetExhausted), so a probe is decided with time left.
        var single = _policy.Decide(new DecisionInput(quality, score, Threshold, watchlistHits, TimeSpan.MaxValue, ModelMismatch: modelMismatch));
        switch (single.Decision)
        {
            case Decision.Refer:
                return Finish(Decision.Refer, single.Reason, single.ReasonText);
            case Decision.Retry when single.Reason == ReasonCodes.Liveness && ++_livenessFailures >= _options.MaxLivenessFailures:
                return Finish(Decision.Refer, ReasonCodes.PresentationAttackSuspected, $"liveness failed on {_livenessFailures} probes");
            case Decision.Retry:
                return ContinueOrLimit(single.Reason, single.ReasonText);
        }

        var s = single.Score!.Value;
        _goodScores.Add(s);
        if (s >= Threshold + _options.StrongMatchMargin)
        {
            return Finish(Decision.Accept, ReasonCodes.Match, $"strong match: score {s:F3} >= threshold {Threshold:F3} + {_options.StrongMatchMargin:F3}");
        }

        var over = _goodScores.Count(x => x >= Threshold);
        if (over >= _options.ProbesOverThresholdToAccept)
        {
            return Finish(Decision.Accept, ReasonCodes.Match, $"{over} probes at or above threshold {Threshold:F3}");
        }

        if (over == 0 && _goodScores.Count >= _options.GoodProbesToReject)
        {
            return Finish(Decision.Reject, ReasonCodes.NoMatch, $"{_goodScores.Count} good probes all below threshold {Threshold:F3} (best {_goodScores.Max():F3})");
        }

        return ContinueOrLimit(ReasonCodes.BelowThresholdRetry, $"not decided yet: fused score {FusedScore:F3}, threshold {Threshold:F3}");
    }

    /// <summary>The session's budget ran out: REFER (or the final verdict if already decided).</summary>
    public PolicyVerdict BudgetExhausted() =>
        Final ?? Finish(Decision.Refer, ReasonCodes.BudgetExhausted, $"the time budget ran out after {_probes} probes");

    /// <summary>A dependency (store, watchlist, model) is down: REFER with <paramref name="reasonCode"/>.</summary>
    public PolicyVerdict DependencyDown(string reasonCode = ReasonCodes.StoreUnavailable) =>
        Final ?? Finish(Decision.Refer, reasonCode, $"a dependency is unavailable ({reasonCode}): refer to an officer");

    /// <summary>The lane gave up on the traveller: REFER (cancelled).</summary>
    public PolicyVerdict Cancel() =>
        Final ?? Finish(Decision.Refer, ReasonCodes.Cancelled, "the lane cancelled the session");

    private PolicyVerdict ContinueOrLimit(string reason, string text)
    {
        if (_probes >= _options.MaxProbes)
        {
            return Finish(Decision.Refer, ReasonCodes.ProbeLimit, $"no decision after {_probes} probes (last: {text})");
        }

        return new PolicyVerdict(Decision.Retry, reason, text, FusedScore, Threshold, _hits.ToArray(), _goodScores.Count, IsFinal: false);
    }

    private PolicyVerdict Finish(Decision decision, string reason, string text)
    {
        Final = new PolicyVerdict(decision, reason, text, FusedScore, Threshold, _hits.ToArray(), _goodScores.Count, IsFinal: true);
        return Final;
    }
}
