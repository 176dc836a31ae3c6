using System.Security.Cryptography;

namespace Biometrics.Matcher.Security;

/// <summary>
/// Generates development keys for tests and local runs (never for production): a QR issuer P-256 key pair and a bearer
/// HMAC key, written as <c>qr-&lt;issuer&gt;.key.pem</c> (PKCS#8, mode 0600), <c>qr-&lt;issuer&gt;.pub.pem</c> (SPKI) and
/// <c>bearer-&lt;kid&gt;.key</c> (base64, mode 0600).
/// </summary>
public static class DevKeys
{
    /// <summary>Paths of generated dev keys.</summary>
    /// <param name="QrPrivateKeyPath">PEM PKCS#8 private key of the QR issuer.</param>
    /// <param name="QrPublicKeyPath">PEM SPKI public key of the QR issuer.</param>
    /// <param name="BearerKeyPath">Base64 HMAC key for bearer tokens.</param>
    /// <param name="Issuer">QR issuer id.</param>
    /// <param name="BearerKeyId">Bearer key id.</param>
    public sealed record Files(string QrPrivateKeyPath, string QrPublicKeyPath, string BearerKeyPath, string Issuer, string BearerKeyId);

    /// <summary>A fresh P-256 key pair.</summary>
    public static ECDsa CreateQrIssuerKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>A fresh 256-bit HMAC key.</summary>
    public static byte[] CreateBearerKey() => RandomNumberGenerator.GetBytes(32);

    /// <summary>Writes a fresh key set into <paramref name="directory"/> (created if missing); existing files are replaced.</summary>
    public static Files Generate(string directory, string issuer = "dev-issuer", string bearerKeyId = "dev")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        using var ec = CreateQrIssuerKey();
        var priv = Path.Combine(directory, $"qr-{issuer}.key.pem");
        var pub = Path.Combine(directory, $"qr-{issuer}.pub.pem");
        var bearer = Path.Combine(directory, $"bearer-{bearerKeyId}.key");
        WriteSecret(priv, ec.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(pub, ec.ExportSubjectPublicKeyInfoPem());
        WriteSecret(bearer, Convert.ToBase64String(CreateBearerKey()));
        return new Files(priv, pub, bearer, issuer, bearerKeyId);
    }

    private static void WriteSecret(string path, string text)
    {
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
