using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Biometrics.Matcher.Security;

/// <summary>
/// The bearer token wire format for service auth (documented in docs/POLICY.md):
/// <c>b1.&lt;base64url(payload JSON)&gt;.&lt;base64url(HMAC-SHA256)&gt;</c>, payload
/// <c>{"sub":..,"role":"gate|enrolment|operator","gate":..(optional),"iat":..,"exp":..,"kid":..}</c>, the MAC keyed by
/// the key named <c>kid</c> over the ASCII bytes of <c>b1.&lt;base64url(payload)&gt;</c>. Sent as
/// <c>authorization: Bearer &lt;token&gt;</c>. HMAC is chosen because issuer and verifier are the same operator
/// (the matcher's own deployment), it is fast at 20,000+ calls/s, and key rotation is by key id.
/// </summary>
public static class BearerToken
{
    /// <summary>Format version prefix.</summary>
    public const string Prefix = "b1";

    /// <summary>Longest token accepted.</summary>
    public const int MaxLength = 2048;

    /// <summary>Shortest HMAC key accepted (bytes).</summary>
    public const int MinKeyBytes = 32;

    internal static byte[] EncodePayload(BearerClaims c)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("sub", c.Subject);
            w.WriteString("role", RolePolicy.ToWireName(c.Role));
            if (c.GateId is not null)
            {
                w.WriteString("gate", c.GateId);
            }

            w.WriteNumber("iat", c.IssuedAt);
            w.WriteNumber("exp", c.ExpiresAt);
            w.WriteString("kid", c.KeyId);
            w.WriteEndObject();
        }

        return ms.ToArray();
    }

    internal static byte[] Mac(byte[] key, string signingInput) => HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput));

    internal static string Encode(BearerClaims claims, byte[] key)
    {
        var body = Base64Url.EncodeToString(EncodePayload(claims));
        var input = Prefix + "." + body;
        return input + "." + Base64Url.EncodeToString(Mac(key, input));
    }
}
