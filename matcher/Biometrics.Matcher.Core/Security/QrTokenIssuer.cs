using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Biometrics.Matcher.Security;

/// <summary>
/// Issues QR tokens signed with an issuer's ECDSA P-256 private key (for the enrolment desk, the load tester and tests).
/// Thread-safe (ECDsa signing is thread-safe per instance in .NET on Linux/OpenSSL; a lock keeps it so everywhere).
/// </summary>
public sealed class QrTokenIssuer : IDisposable
{
    private readonly ECDsa _key;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    /// <summary>Creates an issuer that signs as <paramref name="issuerId"/> with <paramref name="privateKey"/> (P-256; the issuer takes ownership).</summary>
    public QrTokenIssuer(string issuerId, ECDsa privateKey, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(issuerId);
        ArgumentNullException.ThrowIfNull(privateKey);
        if (issuerId.Length > QrToken.MaxIdLength || issuerId.Contains('.'))
        {
            throw new ArgumentException("issuer id must be 1..128 characters", nameof(issuerId));
        }

        if (privateKey.KeySize != 256)
        {
            throw new ArgumentException("QR tokens use ECDSA P-256", nameof(privateKey));
        }

        IssuerId = issuerId;
        _key = privateKey;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The issuer id written into every token.</summary>
    public string IssuerId { get; }

    /// <summary>Issues a token for <paramref name="subjectId"/> valid from now for <paramref name="lifetime"/>, with a fresh random nonce.</summary>
    public string Issue(string subjectId, TimeSpan lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        return Issue(new QrTokenPayload(IssuerId, subjectId, now, now + (long)Math.Ceiling(lifetime.TotalSeconds), NewNonce()));
    }

    /// <summary>Signs an explicit payload (tests use this for expired or future tokens). The issuer field must match.</summary>
    public string Issue(QrTokenPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentException.ThrowIfNullOrWhiteSpace(payload.SubjectId);
        if (payload.Issuer != IssuerId)
        {
            throw new ArgumentException("payload issuer differs from this issuer", nameof(payload));
        }

        var body = Base64Url.EncodeToString(QrToken.EncodePayload(payload));
        var signingInput = Encoding.ASCII.GetBytes(QrToken.Prefix + "." + body);
        byte[] sig;
        lock (_gate)
        {
            sig = _key.SignData(signingInput, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        return QrToken.Prefix + "." + body + "." + Base64Url.EncodeToString(sig);
    }

    /// <summary>A fresh 128-bit random nonce, base64url.</summary>
    public static string NewNonce() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(QrToken.NonceBytes));

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();
}
