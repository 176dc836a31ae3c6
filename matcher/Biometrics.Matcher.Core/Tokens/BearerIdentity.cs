namespace Biometrics.Matcher.Tokens;

/// <summary>Who a bearer token speaks for. Immutable.</summary>
/// <param name="Subject">Caller name (for the audit record), 1..64 characters.</param>
/// <param name="Role">One of <see cref="Roles"/>.</param>
/// <param name="GateId">The gate the caller runs at (gate tokens), or empty.</param>
/// <param name="ExpiresAt">When the token stops being accepted.</param>
public sealed record BearerIdentity(string Subject, string Role, string GateId, DateTimeOffset ExpiresAt);
