using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Biometrics.Matcher.Security;

/// <summary>
/// Validates bearer tokens against a set of HMAC keys by key id (several during a rotation) and checks roles.
/// A gate sends the same token with every call, so tokens whose signature verified are remembered (at most
/// <see cref="MaxRememberedTokens"/>, exact string match): a repeat costs a dictionary lookup and the validity-period
/// check, not a JSON parse and an HMAC. The keys are fixed for the validator's lifetime, so a remembered signature
/// stays true. Thread-safe.
/// </summary>
public sealed class BearerTokenValidator
{
    /// <summary>Most verified tokens remembered; when full, the memory is cleared and refilled by use.</summary>
    public const int MaxRememberedTokens = 4096;

    private readonly ConcurrentDictionary<string, BearerClaims> _verified = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _keys;
    private readonly TimeProvider _time;

    /// <summary>Creates a validator over <paramref name="keys"/> (key id to HMAC key of at least 32 bytes).</summary>
    public BearerTokenValidator(IReadOnlyDictionary<string, byte[]> keys, TimeSpan? clockSkew = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, key) in keys)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(id, nameof(keys));
            if (key is null || key.Length < BearerToken.MinKeyBytes)
            {
                throw new ArgumentException($"bearer key {id} needs at least {BearerToken.MinKeyBytes} bytes", nameof(keys));
            }

            _keys[id] = (byte[])key.Clone();
        }

        ClockSkew = clockSkew ?? TimeSpan.FromSeconds(30);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Allowed clock difference.</summary>
    public TimeSpan ClockSkew { get; }

    /// <summary>
    /// Validates a token, given either bare or as an <c>authorization</c> header value (<c>Bearer &lt;token&gt;</c>).
    /// Never throws for bad input.
    /// </summary>
    public BearerTokenValidationResult Validate(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return BearerTokenValidationResult.Fail(BearerTokenFailure.Missing, "no bearer token");
        }

        if (_verified.TryGetValue(token, out var remembered))
        {
            return CheckValidityPeriod(remembered);
        }

        var original = token;
        token = token.Trim();
        if (token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = token[7..].Trim();
        }

        if (token.Length > BearerToken.MaxLength)
        {
            return BearerTokenValidationResult.Fail(BearerTokenFailure.Malformed, "token too long");
        }

        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0] != BearerToken.Prefix)
        {
            return BearerTokenValidationResult.Fail(BearerTokenFailure.Malformed, $"expected {BearerToken.Prefix}.<payload>.<mac>");
        }

        if (!QrToken.TryDecodeBase64Url(parts[1], out var json) || !QrToken.TryDecodeBase64Url(parts[2], out var mac))
        {
            return BearerTokenValidationResult.Fail(BearerTokenFailure.Malformed, "payload or mac is not base64url");
        }

        BearerClaims claims;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object)
            {
                return BearerTokenValidationResult.Fail(BearerTokenFailure.Malformed, "payload is not a JSON object");
            }

            var sub = Str(r, "sub");
            var roleName = Str(r, "role");
            var kid = Str(r, "kid");
            var gate = Str(r, "gate");
            if (string.IsNullOrWhiteSpace(sub) || kid is null || !r.TryGetProperty("iat", out var iat) || !r.TryGetProperty("exp", out var exp)
                || !iat.TryGetInt64(out var iatv) || !exp.TryGetInt64(out var expv))
            {
                return BearerTokenValidationResult.Fail(BearerTokenFailure.Malformed, "payload lacks sub, role, iat, exp or kid");
            }

            if (!RolePolicy.TryParse(roleName, out var role))
            {
                return BearerTokenValidationResult.Fail(BearerTokenFailure.Malformed, $"unknown role '{roleName}'");
            }

            claims = new BearerClaims(sub, role, gate, iatv, expv, kid);
        }
        catch (JsonException)
        {
            return BearerTokenValidationResult.Fail(BearerTokenFailure.Malformed, "payload is not valid JSON");
        }

        if (!_keys.TryGetValue(claims.KeyId, out var key))
        {
            return BearerTokenValidationResult.Fail(BearerTokenFailure.UnknownKey, $"unknown key id '{claims.KeyId}'");
        }

        var expected = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, mac))
        {
            return BearerTokenValidationResult.Fail(BearerTokenFailure.BadSignature, "token signature does not verify");
        }

        if (_verified.Count >= MaxRememberedTokens)
        {
            _verified.Clear();
        }

        _verified[original] = claims;
        return CheckValidityPeriod(claims);
    }

    private BearerTokenValidationResult CheckValidityPeriod(BearerClaims claims)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)ClockSkew.TotalSeconds;
        if (claims.IssuedAt > now + skew)
        {
            return BearerTokenValidationResult.Fail(BearerTokenFailure.NotYetValid, "token issued in the future");
        }

        if (now >= claims.ExpiresAt + skew)
        {
            return BearerTokenValidationResult.Fail(BearerTokenFailure.Expired, $"token expired {now - claims.ExpiresAt} s ago");
        }

        return new BearerTokenValidationResult(BearerTokenFailure.None, "valid", claims);
    }

    /// <summary>Validates a token and checks that its role may perform <paramref name="operation"/>.</summary>
    public BearerTokenValidationResult Authorize(string? token, ServiceOperation operation)
    {
        var r = Validate(token);
        if (!r.IsValid)
        {
            return r;
        }

        return r.Claims!.CanPerform(operation)
            ? r
            : new BearerTokenValidationResult(BearerTokenFailure.Forbidden, $"role {RolePolicy.ToWireName(r.Claims.Role)} may not {operation}", r.Claims);
    }

    private static string? Str(JsonElement r, string name) =>
        r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
