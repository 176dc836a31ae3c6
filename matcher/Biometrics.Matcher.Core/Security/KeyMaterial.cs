using System.Security.Cryptography;
using System.Text;

namespace Biometrics.Matcher.Security;

/// <summary>
/// Loads keys from configuration values: EC keys from PEM text, a path to a PEM file, or base64 DER (SubjectPublicKeyInfo
/// / PKCS#8); symmetric keys (bearer HMAC, the store's pseudonymisation and encryption keys) from base64 or a key file.
/// Keys never live in code. Thread-safe (pure).
/// </summary>
public static class KeyMaterial
{
    /// <summary>An ECDSA P-256 public key from PEM (<c>-----BEGIN PUBLIC KEY-----</c>), a PEM file path, or base64 SPKI DER.</summary>
    public static ECDsa LoadEcPublicKey(string value) => LoadEc(value, isPrivate: false);

    /// <summary>An ECDSA P-256 private key from PEM (PKCS#8 or SEC1 EC PRIVATE KEY), a PEM file path, or base64 PKCS#8 DER.</summary>
    public static ECDsa LoadEcPrivateKey(string value) => LoadEc(value, isPrivate: true);

    /// <summary>
    /// A symmetric key file: a file of exactly 32 bytes is the raw key; otherwise base64 text (what
    /// <c>openssl rand -base64 32 &gt; key</c> writes) that decodes to at least 16 bytes is decoded, and anything else
    /// is taken raw (the key's user checks its length).
    /// </summary>
    public static byte[] ReadKeyFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == 32) return bytes;
        var text = Encoding.ASCII.GetString(bytes).Trim();
        var buffer = new byte[text.Length];
        return text.Length > 0 && Convert.TryFromBase64String(text, buffer, out var n) && n >= 16 ? buffer[..n] : bytes;
    }

    /// <summary>A symmetric key from <paramref name="base64"/> when set, else from the key file <paramref name="file"/>.</summary>
    /// <exception cref="FormatException">Neither is set, or the base64 is malformed.</exception>
    public static byte[] Load(string? file, string? base64) =>
        base64 is not null ? Convert.FromBase64String(base64.Trim())
        : file is not null ? ReadKeyFile(file)
        : throw new FormatException("no key configured");

    private static ECDsa LoadEc(string value, bool isPrivate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        var text = value.Contains("-----BEGIN", StringComparison.Ordinal) ? value : File.Exists(value) ? File.ReadAllText(value) : value;
        var ec = ECDsa.Create();
        try
        {
            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                ec.ImportFromPem(text);
            }
            else
            {
                var der = Convert.FromBase64String(text.Trim());
                if (isPrivate)
                {
                    ec.ImportPkcs8PrivateKey(der, out _);
                }
                else
                {
                    ec.ImportSubjectPublicKeyInfo(der, out _);
                }
            }

            if (ec.KeySize != 256)
            {
                throw new CryptographicException($"expected a P-256 key, got {ec.KeySize} bits");
            }

            if (isPrivate)
            {
                // Throws when only a public key was supplied.
                _ = ec.ExportParameters(includePrivateParameters: true);
            }

            return ec;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or CryptographicException)
        {
            ec.Dispose();
            throw new CryptographicException($"could not load an EC P-256 {(isPrivate ? "private" : "public")} key: {ex.Message}", ex);
        }
    }
}
