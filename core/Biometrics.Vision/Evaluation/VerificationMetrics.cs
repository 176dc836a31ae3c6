using Biometrics.Contract;

namespace Biometrics.Vision.Evaluation;

/// <summary>
/// Verification metrics over scored pairs: best-threshold accuracy, k-fold cross-validated accuracy, equal error
/// rate and false non-match rate at a target false-match rate. Scores are similarities (higher = more alike);
/// <c>genuine[i]</c> is true for same-person pairs. Pure functions; thread-safe.
/// </summary>
public static class VerificationMetrics
{
    /// <summary>Pairs from which <see cref="Evaluate"/> uses 10-fold cross-validation (the LFW view-2 size).</summary>
    public const int CrossValidationMinimumPairs = 600;

    /// <summary>
    /// Full report: accuracy (10 consecutive folds in the given order when there are at least
    /// <paramref name="crossValidationMinimumPairs"/> pairs, else the best single threshold), EER, and FNMR at
    /// FMR 1e-2 and 1e-3.
    /// </summary>
    public static VerificationReport Evaluate(ReadOnlySpan<double> scores, ReadOnlySpan<bool> genuine, int crossValidationMinimumPairs = CrossValidationMinimumPairs)
    {
        Validate(scores, genuine);
        var best = BestThreshold(scores, genuine);
        CrossValidatedAccuracy? cv = scores.Length >= crossValidationMinimumPairs ? KFoldAccuracy(scores, genuine, 10) : null;
        var genuineCount = 0;
        foreach (var g in genuine)
        {
            genuineCount += g ? 1 : 0;
        }

        return new VerificationReport(
            scores.Length,
            genuineCount,
            scores.Length - genuineCount,
            cv?.Mean ?? best.Accuracy,
            best.Threshold,
            cv,
            EqualErrorRate(scores, genuine),
            FnmrAtFmr(scores, genuine, 1e-2),
            FnmrAtFmr(scores, genuine, 1e-3));
    }

    /// <summary>
    /// The threshold that classifies the most pairs correctly (accept when score &gt;= threshold). Candidate
    /// thresholds are the midpoints between consecutive distinct scores plus one below and one above all
    /// scores; ties in accuracy go to the lowest such threshold.
    /// </summary>
    public static ThresholdAccuracy BestThreshold(ReadOnlySpan<double> scores, ReadOnlySpan<bool> genuine)
    {
        Validate(scores, genuine);
        var order = SortedIndices(scores);
        var total = scores.Length;
        var genuineTotal = 0;
        foreach (var g in genuine)
        {
            genuineTotal += g ? 1 : 0;
        }

        // Threshold below every score: all accepted, correct = genuine count.
        var correct = genuineTotal;
        var bestCorrect = correct;
        var bestThreshold = scores[order[0]] - 1e-6;
        var i = 0;
        while (i < total)
        {
            // Move the threshold above the run of equal scores starting at i: those pairs become rejected.
            var value = scores[order[i]];
            while (i < total && scores[order[i]] == value)
            {
                correct += genuine[order[i]] ? -1 : 1;
                i++;
            }

            if (correct > bestCorrect)
            {
                bestCorrect = correct;
                bestThreshold = i < total ? (value + scores[order[i]]) / 2 : value + 1e-6;
            }
        }

        return new ThresholdAccuracy(bestThreshold, (double)bestCorrect / total);
    }

    /// <summary>Fraction of pairs classified correctly by <paramref name="threshold"/> (accept when score &gt;= threshold).</summary>
    public static double AccuracyAt(ReadOnlySpan<double> scores, ReadOnlySpan<bool> genuine, double threshold)
    {
        Validate(scores, genuine);
        var correct = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            correct += (scores[i] >= threshold) == genuine[i] ? 1 : 0;
        }

        return (double)correct / scores.Length;
    }

    /// <summary>
    /// k-fold cross-validated accuracy with folds of consecutive pairs in the given order (fold f holds pairs
    /// [f*n/k, (f+1)*n/k)), as in the LFW protocol.
    /// </summary>
    public static CrossValidatedAccuracy KFoldAccuracy(ReadOnlySpan<double> scores, ReadOnlySpan<bool> genuine, int folds = 10)
    {
        Validate(scores, genuine);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(folds, scores.Length);
        var n = scores.Length;
        var accuracies = new double[folds];
        var thresholds = new double[folds];
        var trainScores = new double[n];
        var trainLabels = new bool[n];
        for (var f = 0; f < folds; f++)
        {
            var start = (int)((long)f * n / folds);
            var end = (int)((long)(f + 1) * n / folds);
            var m = 0;
            for (var i = 0; i < n; i++)
            {
                if (i < start || i >= end)
                {
                    trainScores[m] = scores[i];
                    trainLabels[m] = genuine[i];
                    m++;
                }
            }

            thresholds[f] = BestThreshold(trainScores.AsSpan(0, m), trainLabels.AsSpan(0, m)).Threshold;
            accuracies[f] = AccuracyAt(scores[start..end], genuine[start..end], thresholds[f]);
        }

        var mean = accuracies.Average();
        var std = Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / folds);
        return new CrossValidatedAccuracy(mean, std, accuracies, thresholds);
    }

    /// <summary>
    /// Equal error rate: where the false-match rate (impostor pairs with score &gt;= t) and the false non-match
    /// rate (genuine pairs with score &lt; t) are equal, linearly interpolated between the two neighbouring
    /// thresholds. 0 when one threshold separates the classes. NaN when either class is empty.
    /// </summary>
    public static double EqualErrorRate(ReadOnlySpan<double> scores, ReadOnlySpan<bool> genuine)
    {
        Validate(scores, genuine);
        var (genuineScores, impostorScores) = Split(scores, genuine);
        if (genuineScores.Length == 0 || impostorScores.Length == 0)
        {
            return double.NaN;
        }

        Array.Sort(genuineScores);
        Array.Sort(impostorScores);
        var candidates = scores.ToArray();
        Array.Sort(candidates);
        // Thresholds in increasing order: FMR falls from 1, FNMR rises from 0.
        double prevFmr = 1, prevFnmr = 0;
        foreach (var t in candidates.Distinct().Append(double.PositiveInfinity))
        {
            var fmr = (double)CountAtLeast(impostorScores, t) / impostorScores.Length;
            var fnmr = (double)(genuineScores.Length - CountAtLeast(genuineScores, t)) / genuineScores.Length;
            if (fnmr >= fmr)
            {
                var before = prevFnmr - prevFmr; // < 0
                var after = fnmr - fmr; // >= 0
                var alpha = after - before == 0 ? 0 : -before / (after - before);
                return prevFmr + (alpha * (fmr - prevFmr));
            }

            prevFmr = fmr;
            prevFnmr = fnmr;
        }

        return prevFmr; // unreachable: at +infinity FMR = 0 <= FNMR
    }

    /// <summary>
    /// False non-match rate at the lowest threshold whose false-match rate is at most <paramref name="targetFmr"/>
    /// (<see cref="FmrThreshold"/>, the calibration's rule): with N impostor pairs, floor(targetFmr * N) of them may
    /// reach it.
    /// </summary>
    public static OperatingPoint FnmrAtFmr(ReadOnlySpan<double> scores, ReadOnlySpan<bool> genuine, double targetFmr)
    {
        Validate(scores, genuine);
        ArgumentOutOfRangeException.ThrowIfNegative(targetFmr);
        var (genuineScores, impostorScores) = Split(scores, genuine);
        if (genuineScores.Length == 0 || impostorScores.Length == 0)
        {
            return new OperatingPoint(targetFmr, double.NaN, double.NaN, double.NaN, ResolutionLimited: true);
        }

        Array.Sort(impostorScores, (a, b) => b.CompareTo(a)); // descending
        var threshold = FmrThreshold.At<double>(impostorScores, targetFmr);
        var falseMatches = impostorScores.Count(s => s >= threshold);
        var falseNonMatches = genuineScores.Count(s => s < threshold);
        return new OperatingPoint(
            targetFmr,
            threshold,
            (double)falseMatches / impostorScores.Length,
            (double)falseNonMatches / genuineScores.Length,
            ResolutionLimited: impostorScores.Length * targetFmr < 1);
    }

    private static void Validate(ReadOnlySpan<double> scores, ReadOnlySpan<bool> genuine)
    {
        if (scores.Length != genuine.Length)
        {
            throw new ArgumentException($"{scores.Length} scores but {genuine.Length} labels");
        }

        if (scores.IsEmpty)
        {
            throw new ArgumentException("no pairs to evaluate");
        }

        foreach (var s in scores)
        {
            if (!double.IsFinite(s))
            {
                throw new ArgumentException("scores must be finite numbers");
            }
        }
    }

    private static int[] SortedIndices(ReadOnlySpan<double> scores)
    {
        var keys = scores.ToArray();
        var order = Enumerable.Range(0, keys.Length).ToArray();
        Array.Sort(keys, order);
        return order;
    }

    private static (double[] Genuine, double[] Impostor) Split(ReadOnlySpan<double> scores, ReadOnlySpan<bool> genuine)
    {
        var g = new List<double>();
        var i = new List<double>();
        for (var k = 0; k < scores.Length; k++)
        {
            (genuine[k] ? g : i).Add(scores[k]);
        }

        return (g.ToArray(), i.ToArray());
    }

    // Number of elements >= t in an ascending array.
    private static int CountAtLeast(double[] ascending, double t)
    {
        var lo = 0;
        var hi = ascending.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (ascending[mid] < t)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return ascending.Length - lo;
    }
}
