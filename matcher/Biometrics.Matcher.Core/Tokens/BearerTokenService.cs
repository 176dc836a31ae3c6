using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Biometrics.Matcher.Tokens;

/// <summary>
/// Issues and checks bearer tokens: <c>bt1.&lt;payload&gt;.&lt;mac&gt;</c>, where payload is base64url JSON
/// <c>{"sub","role","gate","exp"}</c> (exp in unix seconds) and mac is base64url HMAC-SHA256 over the ASCII text
/// <c>bt1.&lt;payload&gt;</c> under a 32+ byte signing key. Thread-safe.
/// </summary>
public sealed class BearerTokenService
{
    private const string Prefix = "bt1.";
    private readonly byte[] _key;
    private readonly TimeProvider _time;

    /// <summary>Creates the service over a signing key of at least 32 bytes.</summary>
    public BearerTokenService(byte[] key, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32) throw new ArgumentException("The bearer token signing key must be at least 32 bytes.", nameof(key));
        _key = (byte[])key.Clone();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Issues a token for <paramref name="identity"/>.</summary>
    public string Issue(BearerIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (!Roles.IsKnown(identity.Role)) throw new ArgumentException($"Unknown role '{identity.Role}'.", nameof(identity));
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = identity.Subject,
            ["role"] = identity.Role,
            ["gate"] = identity.GateId,
            ["exp"] = identity.ExpiresAt.ToUnixTimeSeconds(),
        });
        var head = Prefix + Base64Url.Encode(json);
        return head + "." + Base64Url.Encode(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(head)));
    }

    /// <summary>Checks a token; on failure <paramref name="error"/> says why (malformed, bad signature, expired).</summary>
    public bool TryValidate(string? token, out BearerIdentity? identity, out string error)
    {
        identity = null;
        if (string.IsNullOrEmpty(token) || !token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 4096)
        {
            error = "the bearer token is malformed";
            return false;
        }

        var dot = token.LastIndexOf('.');
        if (dot <= Prefix.Length || !Base64Url.TryDecode(token[(dot + 1)..], out var mac) || mac.Length != 32)
        {
            error = "the bearer token is malformed";
            return false;
        }

        var head = token[..dot];
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(head), expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, mac))
        {
            error = "the bearer token signature is invalid";
            return false;
        }

        if (!Base64Url.TryDecode(head[Prefix.Length..], out var payload))
        {
            error = "the bearer token is malformed";
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            var sub = root.GetProperty("sub").GetString() ?? "";
            var role = root.GetProperty("role").GetString() ?? "";
            var gate = root.TryGetProperty("gate", out var g) ? g.GetString() ?? "" : "";
            var exp = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64());
            if (!Roles.IsKnown(role))
            {
                error = $"the bearer token carries an unknown role '{role}'";
                return false;
            }

            if (exp <= _time.GetUtcNow())
            {
                error = "the bearer token expired";
                return false;
            }

            identity = new BearerIdentity(sub, role, gate, exp);
            error = "";
            return true;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentOutOfRangeException)
        {
            error = "the bearer token payload is malformed";
            return false;
        }
    }
}
