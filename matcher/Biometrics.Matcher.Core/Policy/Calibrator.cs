using System.Globalization;

namespace Biometrics.Matcher.Policy;

/// <summary>
/// Computes decision thresholds from labelled score pairs at a target false-match rate (FMR).
/// </summary>
/// <remarks>
/// <para>The threshold is the smallest value t such that the fraction of impostor scores &gt;= t is &lt;= FMR. With N impostor
/// scores sorted high to low and m = floor(FMR * N) allowed false matches, t is the next float above the (m+1)-th highest
/// impostor score, so at most m impostors (fewer when scores tie) reach it.</para>
/// <para>Resolution: to claim an FMR one needs about 3 / FMR impostor pairs (the "rule of three": with zero false matches
/// in n trials the 95 % upper bound on the rate is about 3 / n). With fewer, the estimate is marked unresolved and the
/// threshold falls back to the highest impostor score plus <c>unresolvedMargin</c> - conservative, never looser than
/// what the data supports.</para>
/// Thread-safe (pure functions).
/// </remarks>
public static class Calibrator
{
    /// <summary>Default target FMR for 1:1 gate verification.</summary>
    public const double DefaultVerifyFmr = 1e-4;

    /// <summary>Default target FMR per watchlist comparison.</summary>
    public const double DefaultWatchlistFmr = 1e-3;

    /// <summary>Default margin above the highest impostor score when the target FMR cannot be resolved.</summary>
    public const float DefaultUnresolvedMargin = 0.05f;

    /// <summary>Impostor pairs needed per unit of 1/FMR to call an estimate resolved.</summary>
    public const double ImpostorsPerInverseFmr = 3.0;

    /// <summary>Computes the threshold for <paramref name="targetFmr"/> from genuine and impostor scores.</summary>
    /// <exception cref="ArgumentException">No impostor scores, a NaN/Inf score, or a target outside (0, 1).</exception>
    public static ThresholdEstimate ComputeThreshold(ReadOnlySpan<float> genuine, ReadOnlySpan<float> impostor, double targetFmr, float unresolvedMargin = DefaultUnresolvedMargin)
    {
        if (!(targetFmr > 0 && targetFmr < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(targetFmr), "target FMR must be in (0, 1)");
        }

        if (impostor.Length == 0)
        {
            throw new ArgumentException("at least one impostor score is needed", nameof(impostor));
        }

        var imp = impostor.ToArray();
        foreach (var s in imp)
        {
            if (!float.IsFinite(s))
            {
                throw new ArgumentException("impostor scores must be finite", nameof(impostor));
            }
        }

        foreach (var s in genuine)
        {
            if (!float.IsFinite(s))
            {
                throw new ArgumentException("genuine scores must be finite", nameof(genuine));
            }
        }

        Array.Sort(imp);
        Array.Reverse(imp); // high to low
        var n = imp.Length;
        var needed = (long)Math.Ceiling(ImpostorsPerInverseFmr / targetFmr);
        float threshold;
        bool resolved;
        string? note = null;
        if (n >= needed)
        {
            threshold = FmrThreshold.At<float>(imp, targetFmr);
            resolved = true;
        }
        else
        {
            threshold = imp[0] + unresolvedMargin;
            resolved = false;
            note = string.Format(
                CultureInfo.InvariantCulture,
                "only {0} impostor pairs; resolving FMR {1:G3} needs >= {2}: threshold = max impostor score {3:F4} + margin {4:F3}",
                n,
                targetFmr,
                needed,
                imp[0],
                unresolvedMargin);
        }

        var falseMatches = 0;
        foreach (var s in imp)
        {
            if (s >= threshold)
            {
                falseMatches++;
            }
        }

        var nonMatches = 0;
        foreach (var s in genuine)
        {
            if (s < threshold)
            {
                nonMatches++;
            }
        }

        var fnmr = genuine.Length == 0 ? double.NaN : (double)nonMatches / genuine.Length;
        return new ThresholdEstimate(targetFmr, threshold, (double)falseMatches / n, fnmr, resolved, note);
    }

    /// <summary>Calibrates verify and watchlist thresholds for one model from labelled scores.</summary>
    public static ModelThresholds Calibrate(IEnumerable<LabelledScore> scores, CalibrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ModelId, nameof(options));
        var genuine = new List<float>();
        var impostor = new List<float>();
        foreach (var s in scores)
        {
            (s.IsGenuine ? genuine : impostor).Add(s.Score);
        }

        if (genuine.Count == 0)
        {
            throw new ArgumentException("at least one genuine pair is needed", nameof(scores));
        }

        var g = genuine.ToArray();
        var i = impostor.ToArray();
        return new ModelThresholds(
            options.ModelId,
            ComputeThreshold(g, i, options.VerifyTargetFmr, options.UnresolvedMargin),
            ComputeThreshold(g, i, options.WatchlistTargetFmr, options.UnresolvedMargin),
            g.Length,
            i.Length,
            (options.Date ?? DateOnly.FromDateTime(DateTime.UtcNow)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }
}
