namespace Biometrics.Matcher.Security;

/// <summary>The verified content of a bearer token: who calls, in which role, from which gate, until when.</summary>
/// <param name="Subject">Caller name (service account, desk or officer id).</param>
/// <param name="Role">The caller's role.</param>
/// <param name="GateId">The gate (e-Channel) id for gate callers; null otherwise.</param>
/// <param name="IssuedAt">Issue time, unix seconds.</param>
/// <param name="ExpiresAt">Expiry, unix seconds (exclusive).</param>
/// <param name="KeyId">Id of the HMAC key that signed the token.</param>
public sealed record BearerClaims(string Subject, ServiceRole Role, string? GateId, long IssuedAt, long ExpiresAt, string KeyId)
{
    /// <summary>Whether this caller may perform <paramref name="operation"/> (see <see cref="RolePolicy"/>).</summary>
    public bool CanPerform(ServiceOperation operation) => RolePolicy.IsAllowed(Role, operation);
}
