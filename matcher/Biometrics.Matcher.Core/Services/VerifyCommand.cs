namespace Biometrics.Matcher.Services;

/// <summary>One 1:1 verification request. Immutable.</summary>
/// <param name="Claim">Who the traveller claims to be.</param>
/// <param name="Probe">What the camera saw.</param>
/// <param name="Actor">The authenticated caller (for the audit record).</param>
/// <param name="GateId">Gate id (audit).</param>
/// <param name="LaneId">Lane id (audit).</param>
/// <param name="RequestId">Caller's correlation id (audit).</param>
/// <param name="SkipWatchlist">Do not screen the watchlist.</param>
public sealed record VerifyCommand(ClaimInput Claim, FaceInput Probe, string Actor, string GateId = "", string LaneId = "", string RequestId = "", bool SkipWatchlist = false);
