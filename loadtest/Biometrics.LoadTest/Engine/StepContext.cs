namespace Biometrics.LoadTest.Engine;

/// <summary>What a target knows about the step it runs.</summary>
/// <param name="Sequence">0-based number of the step within its scenario (warm-up included); targets derive
/// their deterministic choices (which subject, genuine or impostor) from it.</param>
/// <param name="ScheduledTimestamp">When the step was due, in <see cref="System.Diagnostics.Stopwatch"/> ticks;
/// latency is measured from here, not from when the step actually started.</param>
/// <param name="IsWarmUp">True while the scenario warms up (results are not part of the statistics).</param>
public readonly record struct StepContext(long Sequence, long ScheduledTimestamp, bool IsWarmUp);
