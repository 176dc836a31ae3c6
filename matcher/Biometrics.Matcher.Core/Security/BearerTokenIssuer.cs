namespace Biometrics.Matcher.Security;

/// <summary>Issues bearer tokens with one HMAC key (for operators' tooling, the load tester and tests). Thread-safe.</summary>
public sealed class BearerTokenIssuer
{
    private readonly byte[] _key;
    private readonly TimeProvider _time;

    /// <summary>Creates an issuer signing with <paramref name="key"/> (at least 32 bytes) under key id <paramref name="keyId"/>.</summary>
    public BearerTokenIssuer(string keyId, ReadOnlySpan<byte> key, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        if (key.Length < BearerToken.MinKeyBytes)
        {
            throw new ArgumentException($"bearer HMAC keys need at least {BearerToken.MinKeyBytes} bytes", nameof(key));
        }

        KeyId = keyId;
        _key = key.ToArray();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The key id written into every token.</summary>
    public string KeyId { get; }

    /// <summary>Issues a token for <paramref name="subject"/> in <paramref name="role"/>, valid from now for <paramref name="lifetime"/>.</summary>
    public string Issue(string subject, ServiceRole role, TimeSpan lifetime, string? gateId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        return Issue(new BearerClaims(subject, role, gateId, now, now + (long)Math.Ceiling(lifetime.TotalSeconds), KeyId));
    }

    /// <summary>Signs explicit claims (tests use this for expired or future tokens). The key id must match.</summary>
    public string Issue(BearerClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        if (claims.KeyId != KeyId)
        {
            throw new ArgumentException("claims key id differs from this issuer's", nameof(claims));
        }

        return BearerToken.Encode(claims, _key);
    }
}
