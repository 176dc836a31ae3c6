namespace Biometrics.Matcher.Security;

/// <summary>The signed content of a QR token.</summary>
/// <param name="Issuer">Issuer id (our authority or a partner); selects the public key.</param>
/// <param name="SubjectId">The enrolled subject the traveller claims to be (1..128 characters).</param>
/// <param name="IssuedAt">Issue time, unix seconds.</param>
/// <param name="ExpiresAt">Expiry, unix seconds (exclusive: invalid from this second on).</param>
/// <param name="Nonce">128 random bits, base64url (22 characters); the host consumes it once in the store to stop replay.</param>
public sealed record QrTokenPayload(string Issuer, string SubjectId, long IssuedAt, long ExpiresAt, string Nonce);
