using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Biometrics.Matcher.Services;

namespace Biometrics.Matcher.Tokens;

/// <summary>
/// QR tokens of the traveller's phone app: <c>qr1.&lt;payload&gt;.&lt;signature&gt;</c>; payload is base64url JSON
/// <c>{"iss","sub","exp","nonce"}</c> (exp in unix seconds); signature is base64url ECDSA P-256 with SHA-256 over the
/// ASCII text <c>qr1.&lt;payload&gt;</c>, in IEEE P1363 form (r||s, 64 bytes). One public key per issuer. Validation
/// checks format, issuer, signature and expiry; replay (the nonce) is checked against the store by the caller.
/// Thread-safe.
/// </summary>
public sealed class QrTokens
{
    private const string Prefix = "qr1.";
    private readonly Dictionary<string, ECDsa> _issuers;
    private readonly TimeProvider _time;

    /// <summary>Creates a validator for the given issuers' P-256 public keys.</summary>
    public QrTokens(IReadOnlyDictionary<string, ECDsa> issuerKeys, TimeProvider? time = null, TimeSpan? clockSkew = null)
    {
        ArgumentNullException.ThrowIfNull(issuerKeys);
        _issuers = new Dictionary<string, ECDsa>(issuerKeys, StringComparer.Ordinal);
        _time = time ?? TimeProvider.System;
        ClockSkew = clockSkew ?? TimeSpan.FromSeconds(5);
    }

    /// <summary>Tolerance for clocks that disagree.</summary>
    public TimeSpan ClockSkew { get; }

    /// <summary>Configured issuer names.</summary>
    public IReadOnlyCollection<string> Issuers => _issuers.Keys;

    /// <summary>Creates a signed token (issuer side: the phone app's back end; tests and dev tools).</summary>
    public static string Create(QrTokenClaims claims, ECDsa privateKey)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(privateKey);
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = claims.Issuer,
            ["sub"] = claims.SubjectId,
            ["exp"] = claims.ExpiresAt.ToUnixTimeSeconds(),
            ["nonce"] = claims.Nonce,
        });
        var head = Prefix + Base64Url.Encode(json);
        var signature = privateKey.SignData(Encoding.ASCII.GetBytes(head), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return head + "." + Base64Url.Encode(signature);
    }

    /// <summary>Checks format, issuer, signature and expiry (not the nonce).</summary>
    /// <exception cref="MatcherException">PERMISSION_DENIED with reason <c>qr_malformed</c>, <c>qr_unknown_issuer</c>,
    /// <c>qr_bad_signature</c> or <c>qr_expired</c>.</exception>
    public QrTokenClaims Validate(string token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2048 || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw Refused("qr_malformed", "The QR token is malformed (expected qr1.<payload>.<signature>).");
        }

        var dot = token.LastIndexOf('.');
        if (dot <= Prefix.Length || !Base64Url.TryDecode(token[(dot + 1)..], out var signature) || !Base64Url.TryDecode(token[Prefix.Length..dot], out var payload))
        {
            throw Refused("qr_malformed", "The QR token is malformed (bad base64url).");
        }

        string iss, sub, nonce;
        long exp;
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            iss = root.GetProperty("iss").GetString() ?? "";
            sub = root.GetProperty("sub").GetString() ?? "";
            nonce = root.GetProperty("nonce").GetString() ?? "";
            exp = root.GetProperty("exp").GetInt64();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Refused("qr_malformed", "The QR token payload is malformed (needs iss, sub, exp, nonce).");
        }

        if (!_issuers.TryGetValue(iss, out var key))
        {
            throw Refused("qr_unknown_issuer", $"The QR token issuer '{(iss.Length > 32 ? iss[..32] : iss)}' is not trusted here.");
        }

        if (signature.Length != 64 || !key.VerifyData(Encoding.ASCII.GetBytes(token, 0, dot), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            throw Refused("qr_bad_signature", "The QR token signature does not verify: forged or altered.");
        }

        if (sub.Length is 0 or > 128 || nonce.Length is < 16 or > 128)
        {
            throw Refused("qr_malformed", "The QR token's subject or nonce is missing or out of range.");
        }

        var expiresAt = exp is > 0 and < 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(exp) : DateTimeOffset.MinValue;
        if (expiresAt + ClockSkew <= _time.GetUtcNow())
        {
            throw Refused("qr_expired", $"The QR token expired at {expiresAt:O}.");
        }

        return new QrTokenClaims(iss, sub, expiresAt, nonce);
    }

    private static MatcherException Refused(string reason, string message) => new(MatcherErrorKind.PermissionDenied, reason, message);
}
