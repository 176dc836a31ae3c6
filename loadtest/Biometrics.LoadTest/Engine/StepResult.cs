namespace Biometrics.LoadTest.Engine;

/// <summary>
/// What one step (request, or one whole gate session) ended with: a status label (gRPC status names such as
/// <c>OK</c>, <c>UNAVAILABLE</c>; <c>DROPPED</c> is reserved for the engine) and, for calls that carry a
/// decision, a verdict label such as <c>ACCEPT</c> or <c>REFER</c>.
/// </summary>
/// <param name="IsOk">Whether the step counts as a success.</param>
/// <param name="Status">Status label; use interned or static strings (they key the per-status counts).</param>
/// <param name="Verdict">Optional verdict label, counted per label.</param>
/// <param name="Messages">Request messages the step sent when it sends more than one (the probes of a gate session);
/// 0 when not counted. Summed per second into the report's message rate.</param>
/// <param name="ServerNanoseconds">The time the server itself reports having spent on the call (a verdict's
/// <c>timings.total_ms</c>), nanoseconds; 0 when the server reports none.</param>
/// <param name="Recovery">For a gate session that one matcher could not finish: re-routed, re-opened in time, or lost.</param>
public readonly record struct StepResult(bool IsOk, string Status, string? Verdict = null, int Messages = 0, long ServerNanoseconds = 0, SessionRecovery Recovery = SessionRecovery.None)
{
    /// <summary>A success with status <c>OK</c> and no verdict.</summary>
    public static StepResult Ok() => new(true, "OK");

    /// <summary>A success with status <c>OK</c> and the given verdict label.</summary>
    public static StepResult Ok(string? verdict) => new(true, "OK", verdict);

    /// <summary>A failure with the given status label.</summary>
    public static StepResult Fail(string status) => new(false, status);
}
