namespace Biometrics.Vision.Evaluation;

/// <summary>
/// A decision threshold and the fraction of pairs it classifies correctly. A pair is declared "same person"
/// when its similarity score is &gt;= <see cref="Threshold"/>.
/// </summary>
public readonly record struct ThresholdAccuracy(double Threshold, double Accuracy);
