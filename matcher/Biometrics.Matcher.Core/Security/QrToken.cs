using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Biometrics.Matcher.Security;

/// <summary>
/// The QR token wire format (documented in docs/POLICY.md):
/// <c>q1.&lt;base64url(payload JSON)&gt;.&lt;base64url(signature)&gt;</c>, where the payload is the compact UTF-8 JSON
/// object <c>{"iss":..,"sub":..,"iat":..,"exp":..,"nonce":..}</c> and the signature is ECDSA P-256 with SHA-256 over the
/// ASCII bytes of <c>q1.&lt;base64url(payload)&gt;</c>, in IEEE P1363 form (r || s, 64 bytes). base64url has no padding.
/// </summary>
public static class QrToken
{
    /// <summary>Format version prefix.</summary>
    public const string Prefix = "q1";

    /// <summary>Longest token accepted (a QR code of version 10-L holds about 270 bytes; we allow room).</summary>
    public const int MaxLength = 1024;

    /// <summary>Nonce length in bytes (128 bits).</summary>
    public const int NonceBytes = 16;

    /// <summary>Longest issuer and subject ids.</summary>
    public const int MaxIdLength = 128;

    internal static byte[] EncodePayload(QrTokenPayload p)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("iss", p.Issuer);
            w.WriteString("sub", p.SubjectId);
            w.WriteNumber("iat", p.IssuedAt);
            w.WriteNumber("exp", p.ExpiresAt);
            w.WriteString("nonce", p.Nonce);
            w.WriteEndObject();
        }

        return ms.ToArray();
    }

    /// <summary>Splits and decodes a token without checking the signature; null with a reason when malformed.</summary>
    internal static (QrTokenPayload? Payload, byte[] SigningInput, byte[] Signature, string Error) Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return (null, [], [], "empty token");
        }

        if (token.Length > MaxLength)
        {
            return (null, [], [], $"token longer than {MaxLength} characters");
        }

        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0] != Prefix)
        {
            return (null, [], [], $"expected {Prefix}.<payload>.<signature>");
        }

        if (!TryDecodeBase64Url(parts[1], out var json) || !TryDecodeBase64Url(parts[2], out var sig))
        {
            return (null, [], [], "payload or signature is not base64url");
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, [], [], "payload is not a JSON object");
            }

            var iss = GetString(root, "iss");
            var sub = GetString(root, "sub");
            var nonce = GetString(root, "nonce");
            if (iss is null || sub is null || nonce is null || !root.TryGetProperty("iat", out var iat) || !root.TryGetProperty("exp", out var exp)
                || !iat.TryGetInt64(out var iatv) || !exp.TryGetInt64(out var expv))
            {
                return (null, [], [], "payload lacks iss, sub, iat, exp or nonce");
            }

            if (iss.Length is 0 or > MaxIdLength || sub.Length is 0 or > MaxIdLength)
            {
                return (null, [], [], $"iss and sub must be 1..{MaxIdLength} characters");
            }

            if (!TryDecodeBase64Url(nonce, out var nonceBytes) || nonceBytes.Length != NonceBytes)
            {
                return (null, [], [], "nonce must be 128 bits, base64url");
            }

            if (expv <= iatv)
            {
                return (null, [], [], "exp must be after iat");
            }

            var signingInput = Encoding.ASCII.GetBytes(Prefix + "." + parts[1]);
            return (new QrTokenPayload(iss, sub, iatv, expv, nonce), signingInput, sig, "");
        }
        catch (JsonException)
        {
            return (null, [], [], "payload is not valid JSON");
        }
    }

    internal static bool TryDecodeBase64Url(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || !Base64Url.IsValid(text.AsSpan()))
        {
            return false;
        }

        try
        {
            bytes = Base64Url.DecodeFromChars(text.AsSpan());
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string? GetString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
