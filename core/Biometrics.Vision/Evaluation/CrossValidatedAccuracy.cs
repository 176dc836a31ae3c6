namespace Biometrics.Vision.Evaluation;

/// <summary>
/// Accuracy estimated by k-fold cross-validation: for each fold the best threshold is chosen on the other folds
/// and applied to the held-out fold (the LFW protocol).
/// </summary>
/// <param name="Mean">Mean of the per-fold accuracies.</param>
/// <param name="StandardDeviation">Population standard deviation of the per-fold accuracies.</param>
/// <param name="FoldAccuracies">Accuracy on each held-out fold, in fold order.</param>
/// <param name="FoldThresholds">The threshold chosen (on the other folds) for each fold.</param>
public sealed record CrossValidatedAccuracy(double Mean, double StandardDeviation, IReadOnlyList<double> FoldAccuracies, IReadOnlyList<double> FoldThresholds);
