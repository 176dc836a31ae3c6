namespace Biometrics.Matcher.Services;

/// <summary>One message to the lane: a RETRY hint (not final) or the session's final verdict. Immutable.</summary>
/// <param name="SessionId">The session it belongs to.</param>
/// <param name="Result">The verdict with timings.</param>
/// <param name="Final">True for the final verdict.</param>
public sealed record GateSessionUpdate(string SessionId, VerificationResult Result, bool Final);
