namespace Biometrics.Matcher.Services;

/// <summary>A lane opens a session for one traveller. Immutable.</summary>
/// <param name="GateId">Gate id, 1..64 characters.</param>
/// <param name="LaneId">Lane id, 1..64 characters.</param>
/// <param name="Claim">Who the traveller claims to be.</param>
/// <param name="BudgetMs">Time from open to verdict, milliseconds (0 = default); 100..60000.</param>
/// <param name="SessionId">Lane-chosen id echoed on every update (generated when empty).</param>
public sealed record GateSessionOpen(string GateId, string LaneId, ClaimInput Claim, int BudgetMs, string SessionId);
