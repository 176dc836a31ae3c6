namespace Biometrics.Matcher.Security;

/// <summary>Outcome of <see cref="QrTokenValidator.Validate"/>.</summary>
/// <param name="Failure"><see cref="QrTokenFailure.None"/> when valid.</param>
/// <param name="Message">Human-readable detail (safe to log: never contains key material).</param>
/// <param name="Payload">The verified payload when valid; null otherwise.</param>
public sealed record QrTokenValidationResult(QrTokenFailure Failure, string Message, QrTokenPayload? Payload)
{
    /// <summary>True when signature, issuer and validity period all check out (the nonce is still to be consumed by the host).</summary>
    public bool IsValid => Failure == QrTokenFailure.None;

    /// <summary>The nonce to consume (store <c>TryConsumeNonce</c>) with a TTL until <see cref="QrTokenPayload.ExpiresAt"/>.</summary>
    public string? Nonce => Payload?.Nonce;

    internal static QrTokenValidationResult Fail(QrTokenFailure f, string message) => new(f, message, null);
}
