using System.Security.Cryptography;
using Biometrics.Matcher.Tokens;

namespace Biometrics.Matcher.Hosting;

/// <summary>
/// Development key material in one folder (default <c>.data/keys</c>): the store's pseudonymisation and template encryption
/// keys, the bearer token signing key, a QR issuer key pair named <c>dev</c>, and one bearer token per role
/// (<c>gate.token</c>, <c>enrolment.token</c>, <c>operator.token</c>, valid 30 days). Existing files are kept unless
/// forced. Files are created owner-read/write only. For local runs and tests, never for production.
/// </summary>
public sealed class DevelopmentKeys
{
    private DevelopmentKeys(string directory)
    {
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The folder.</summary>
    public string Directory { get; }

    /// <summary>The pseudonymisation (HMAC) key file.</summary>
    public string PseudonymisationKeyFile => Path.Combine(Directory, "pseudonymisation.key");

    /// <summary>The template encryption (AES-256-GCM) key file.</summary>
    public string EncryptionKeyFile => Path.Combine(Directory, "template-encryption.key");

    /// <summary>The bearer token signing key file.</summary>
    public string TokenSigningKeyFile => Path.Combine(Directory, "token-signing.key");

    /// <summary>The dev QR issuer's private key (PKCS#8 PEM).</summary>
    public string QrIssuerPrivateKeyFile => Path.Combine(Directory, "qr-issuer-dev.pem");

    /// <summary>The dev QR issuer's public key (SubjectPublicKeyInfo PEM).</summary>
    public string QrIssuerPublicKeyFile => Path.Combine(Directory, "qr-issuer-dev.pub.pem");

    /// <summary>Name of the development QR issuer.</summary>
    public const string QrIssuer = "dev";

    /// <summary>The bearer token file of a role.</summary>
    public string TokenFile(string role) => Path.Combine(Directory, role + ".token");

    /// <summary>Creates whatever is missing (everything when <paramref name="force"/>) and returns the set.</summary>
    public static DevelopmentKeys Ensure(string directory, bool force = false)
    {
        var keys = new DevelopmentKeys(directory);
        System.IO.Directory.CreateDirectory(keys.Directory);
        WriteIfMissing(keys.PseudonymisationKeyFile, force, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        WriteIfMissing(keys.EncryptionKeyFile, force, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var signingChanged = WriteIfMissing(keys.TokenSigningKeyFile, force, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        if (force || !File.Exists(keys.QrIssuerPrivateKeyFile) || !File.Exists(keys.QrIssuerPublicKeyFile))
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            Write(keys.QrIssuerPrivateKeyFile, ec.ExportPkcs8PrivateKeyPem());
            Write(keys.QrIssuerPublicKeyFile, ec.ExportSubjectPublicKeyInfoPem());
        }

        var tokens = new BearerTokenService(KeyFiles.Read(keys.TokenSigningKeyFile));
        foreach (var role in new[] { Roles.Gate, Roles.Enrolment, Roles.Operator })
        {
            var file = keys.TokenFile(role);
            var stale = signingChanged || !File.Exists(file) || !tokens.TryValidate(File.ReadAllText(file).Trim(), out _, out _);
            if (force || stale)
            {
                Write(file, tokens.Issue(new BearerIdentity("dev-" + role, role, role == Roles.Gate ? "dev-gate" : "", DateTimeOffset.UtcNow.AddDays(30))) + "\n");
            }
        }

        return keys;
    }

    private static bool WriteIfMissing(string path, bool force, Func<string> content)
    {
        if (!force && File.Exists(path)) return false;
        Write(path, content() + "\n");
        return true;
    }

    private static void Write(string path, string content)
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, content);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(tmp, path, overwrite: true);
    }
}
