using System.Security.Cryptography;

namespace Biometrics.Matcher.Security;

/// <summary>
/// Validates QR tokens: format, issuer (one ECDSA P-256 public key per issuer id), signature, and validity period with
/// a clock-skew allowance. It does not check replay: the host consumes <see cref="QrTokenValidationResult.Nonce"/> in
/// the store (with a TTL until expiry) and refuses a token whose nonce was already used.
/// Thread-safe; the keys are owned by the validator.
/// </summary>
public sealed class QrTokenValidator : IDisposable
{
    private readonly Dictionary<string, ECDsa> _keys;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    /// <summary>Creates a validator over <paramref name="issuerKeys"/> (issuer id to P-256 public key).</summary>
    public QrTokenValidator(IReadOnlyDictionary<string, ECDsa> issuerKeys, TimeSpan? clockSkew = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(issuerKeys);
        _keys = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        foreach (var (id, key) in issuerKeys)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(id, nameof(issuerKeys));
            if (key.KeySize != 256)
            {
                throw new ArgumentException($"issuer {id}: QR tokens use ECDSA P-256", nameof(issuerKeys));
            }

            _keys[id] = key;
        }

        ClockSkew = clockSkew ?? TimeSpan.FromSeconds(30);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Allowed difference between the issuer's and our clocks.</summary>
    public TimeSpan ClockSkew { get; }

    /// <summary>Issuer ids with a configured key.</summary>
    public IReadOnlyCollection<string> Issuers => _keys.Keys;

    /// <summary>Checks one token. Never throws for bad input: the result says why it was refused.</summary>
    public QrTokenValidationResult Validate(string? token)
    {
        var (payload, signingInput, signature, error) = QrToken.Decode(token);
        if (payload is null)
        {
            return QrTokenValidationResult.Fail(QrTokenFailure.Malformed, error);
        }

        if (!_keys.TryGetValue(payload.Issuer, out var key))
        {
            return QrTokenValidationResult.Fail(QrTokenFailure.UnknownIssuer, $"no key for issuer '{payload.Issuer}'");
        }

        bool verified;
        lock (_gate)
        {
            verified = signature.Length == 64 && key.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        if (!verified)
        {
            return QrTokenValidationResult.Fail(QrTokenFailure.Forged, $"signature does not verify under issuer '{payload.Issuer}'");
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)ClockSkew.TotalSeconds;
        if (payload.IssuedAt > now + skew)
        {
            return QrTokenValidationResult.Fail(QrTokenFailure.NotYetValid, $"issued {payload.IssuedAt - now} s in the future");
        }

        if (now >= payload.ExpiresAt + skew)
        {
            return QrTokenValidationResult.Fail(QrTokenFailure.Expired, $"expired {now - payload.ExpiresAt} s ago");
        }

        return new QrTokenValidationResult(QrTokenFailure.None, "valid", payload);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var k in _keys.Values)
        {
            k.Dispose();
        }
    }
}
