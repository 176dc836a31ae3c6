namespace Biometrics.Vision.Evaluation;

/// <summary>
/// The operating point chosen for a target false-match rate: the lowest threshold whose false-match rate does not
/// exceed <see cref="TargetFmr"/>, with the rates it gives. Scores &gt;= <see cref="Threshold"/> are accepted.
/// </summary>
/// <param name="TargetFmr">The requested false-match rate.</param>
/// <param name="Threshold">Accept when score &gt;= this value (the next value above the highest impostor score that must be rejected).</param>
/// <param name="Fmr">Achieved false-match rate (impostor pairs accepted / impostor pairs).</param>
/// <param name="Fnmr">False non-match rate at that threshold (genuine pairs rejected / genuine pairs).</param>
/// <param name="ResolutionLimited">True when there are fewer than 1 / TargetFmr impostor pairs, so the target can
/// only be met with zero false matches and the figure is an optimistic bound.</param>
public readonly record struct OperatingPoint(double TargetFmr, double Threshold, double Fmr, double Fnmr, bool ResolutionLimited);
