namespace Biometrics.Matcher.Tokens;

/// <summary>What a QR token asserts. Immutable.</summary>
/// <param name="Issuer">Issuing authority (selects the public key).</param>
/// <param name="SubjectId">The traveller's enrolled subject identifier.</param>
/// <param name="ExpiresAt">Not accepted after this instant.</param>
/// <param name="Nonce">Random, unique per token (16+ characters); a token is accepted once.</param>
public sealed record QrTokenClaims(string Issuer, string SubjectId, DateTimeOffset ExpiresAt, string Nonce);
