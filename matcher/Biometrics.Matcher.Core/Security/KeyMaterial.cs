using System.Security.Cryptography;

namespace Biometrics.Matcher.Security;

/// <summary>
/// Loads keys from configuration values: PEM text, a path to a PEM file, or base64 (DER SubjectPublicKeyInfo / PKCS#8
/// for EC keys, raw bytes for HMAC keys). Keys never live in code. Thread-safe (pure).
/// </summary>
public static class KeyMaterial
{
    /// <summary>An ECDSA P-256 public key from PEM (<c>-----BEGIN PUBLIC KEY-----</c>), a PEM file path, or base64 SPKI DER.</summary>
    public static ECDsa LoadEcPublicKey(string value) => LoadEc(value, isPrivate: false);

    /// <summary>An ECDSA P-256 private key from PEM (PKCS#8 or SEC1 EC PRIVATE KEY), a PEM file path, or base64 PKCS#8 DER.</summary>
    public static ECDsa LoadEcPrivateKey(string value) => LoadEc(value, isPrivate: true);

    /// <summary>An HMAC key from base64 text or a file holding base64 text; at least 32 bytes.</summary>
    /// <exception cref="FormatException">Not base64, or too short.</exception>
    public static byte[] LoadHmacKey(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        var text = File.Exists(value) ? File.ReadAllText(value) : value;
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException ex)
        {
            throw new FormatException("HMAC key is not base64", ex);
        }

        if (key.Length < BearerToken.MinKeyBytes)
        {
            throw new FormatException($"HMAC key has {key.Length} bytes; at least {BearerToken.MinKeyBytes} are required");
        }

        return key;
    }

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
