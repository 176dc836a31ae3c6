namespace Biometrics.Vision.Evaluation;

/// <summary>Summary of a 1:1 verification benchmark over labelled pairs (see <see cref="VerificationMetrics.Evaluate"/>).</summary>
/// <param name="Pairs">Number of pairs.</param>
/// <param name="GenuinePairs">Same-person pairs.</param>
/// <param name="ImpostorPairs">Different-person pairs.</param>
/// <param name="Accuracy">Fraction of pairs classified correctly: 10-fold cross-validated when
/// <see cref="CrossValidation"/> is set, otherwise with the best single threshold (an optimistic figure).</param>
/// <param name="Threshold">Best single threshold over all pairs (accept when score &gt;= threshold).</param>
/// <param name="CrossValidation">The per-fold details when cross-validation was used.</param>
/// <param name="EqualErrorRate">The rate at which false matches and false non-matches are equal (interpolated).</param>
/// <param name="AtFmr1e2">Operating point for FMR 1e-2.</param>
/// <param name="AtFmr1e3">Operating point for FMR 1e-3.</param>
public sealed record VerificationReport(
    int Pairs,
    int GenuinePairs,
    int ImpostorPairs,
    double Accuracy,
    double Threshold,
    CrossValidatedAccuracy? CrossValidation,
    double EqualErrorRate,
    OperatingPoint AtFmr1e2,
    OperatingPoint AtFmr1e3);
