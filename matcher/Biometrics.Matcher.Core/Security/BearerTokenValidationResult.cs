namespace Biometrics.Matcher.Security;

/// <summary>Outcome of <see cref="BearerTokenValidator.Validate"/>.</summary>
/// <param name="Failure"><see cref="BearerTokenFailure.None"/> when valid.</param>
/// <param name="Message">Detail for logs and the status message (never contains key material).</param>
/// <param name="Claims">The verified claims when valid; null otherwise.</param>
public sealed record BearerTokenValidationResult(BearerTokenFailure Failure, string Message, BearerClaims? Claims)
{
    /// <summary>True when the token verified (and, for <see cref="BearerTokenValidator.Authorize"/>, the role allows the operation).</summary>
    public bool IsValid => Failure == BearerTokenFailure.None;

    internal static BearerTokenValidationResult Fail(BearerTokenFailure f, string message) => new(f, message, null);
}
