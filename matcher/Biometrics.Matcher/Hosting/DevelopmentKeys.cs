using System.Security.Cryptography;
using Biometrics.Matcher.Configuration;
using Biometrics.Matcher.Security;

namespace Biometrics.Matcher.Hosting;

/// <summary>
/// Development key material in one folder (default <c>.data/keys</c>): the store's pseudonymisation and template encryption
/// keys, the bearer token signing key (key id <see cref="SecuritySettings.DefaultTokenSigningKeyId"/> unless told
/// otherwise), a QR issuer key pair named <c>dev</c>, and one bearer token per role (<c>gate.token</c>,
/// <c>enrolment.token</c>, <c>operator.token</c>, valid 30 days; docs/POLICY.md section 6). Existing files are kept unless
/// forced; role tokens that no longer validate (other key, key id or format, expired) are reissued. Files are created
/// owner-read/write only. For local runs and tests, never for production.
/// </summary>
public sealed class DevelopmentKeys
{
    private DevelopmentKeys(string directory, string tokenKeyId)
    {
        Directory = Path.GetFullPath(directory);
        TokenKeyId = tokenKeyId;
    }

    /// <summary>The folder.</summary>
    public string Directory { get; }

    /// <summary>Every file of the set, in the order written, with what <see cref="Ensure"/> did with it.</summary>
    public IReadOnlyList<KeyFileChange> Files => _files;

    private readonly List<KeyFileChange> _files = [];

    /// <summary>How long the role tokens are valid from when they are issued.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromDays(30);

    /// <summary>The key id (<c>kid</c>) the role tokens carry.</summary>
    public string TokenKeyId { get; }

    /// <summary>The pseudonymisation (HMAC) key file.</summary>
    public string PseudonymisationKeyFile => Path.Combine(Directory, "pseudonymisation.key");

    /// <summary>The template encryption (AES-256-GCM) key file.</summary>
    public string EncryptionKeyFile => Path.Combine(Directory, "template-encryption.key");

    /// <summary>The bearer token signing key file (base64 of 32 random bytes).</summary>
    public string TokenSigningKeyFile => Path.Combine(Directory, "token-signing.key");

    /// <summary>The dev QR issuer's private key (PKCS#8 PEM).</summary>
    public string QrIssuerPrivateKeyFile => Path.Combine(Directory, "qr-issuer-dev.pem");

    /// <summary>The dev QR issuer's public key (SubjectPublicKeyInfo PEM).</summary>
    public string QrIssuerPublicKeyFile => Path.Combine(Directory, "qr-issuer-dev.pub.pem");

    /// <summary>Name of the development QR issuer.</summary>
    public const string QrIssuer = "dev";

    /// <summary>The bearer token file of a role.</summary>
    public string TokenFile(ServiceRole role) => Path.Combine(Directory, RolePolicy.ToWireName(role) + ".token");

    /// <summary>A bearer token issuer over <see cref="TokenSigningKeyFile"/> and <see cref="TokenKeyId"/>.</summary>
    public BearerTokenIssuer CreateTokenIssuer() => new(TokenKeyId, KeyMaterial.ReadKeyFile(TokenSigningKeyFile));

    /// <summary>A QR token issuer named <see cref="QrIssuer"/> over <see cref="QrIssuerPrivateKeyFile"/> (dispose it).</summary>
    public QrTokenIssuer CreateQrIssuer() => new(QrIssuer, KeyMaterial.LoadEcPrivateKey(QrIssuerPrivateKeyFile));

    /// <summary>Creates whatever is missing (everything when <paramref name="force"/>) and returns the set.</summary>
    public static DevelopmentKeys Ensure(string directory, bool force = false, string tokenKeyId = SecuritySettings.DefaultTokenSigningKeyId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenKeyId);
        var keys = new DevelopmentKeys(directory, tokenKeyId);
        System.IO.Directory.CreateDirectory(keys.Directory);
        keys.WriteIfMissing(keys.PseudonymisationKeyFile, force, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        keys.WriteIfMissing(keys.EncryptionKeyFile, force, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var signingChanged = keys.WriteIfMissing(keys.TokenSigningKeyFile, force, () => Convert.ToBase64String(DevKeys.CreateBearerKey()));
        if (force || !File.Exists(keys.QrIssuerPrivateKeyFile) || !File.Exists(keys.QrIssuerPublicKeyFile))
        {
            using var ec = DevKeys.CreateQrIssuerKey();
            keys.Write(keys.QrIssuerPrivateKeyFile, ec.ExportPkcs8PrivateKeyPem());
            keys.Write(keys.QrIssuerPublicKeyFile, ec.ExportSubjectPublicKeyInfoPem());
        }
        else
        {
            keys._files.Add(new KeyFileChange(keys.QrIssuerPrivateKeyFile, KeyFileAction.Kept));
            keys._files.Add(new KeyFileChange(keys.QrIssuerPublicKeyFile, KeyFileAction.Kept));
        }

        var key = KeyMaterial.ReadKeyFile(keys.TokenSigningKeyFile);
        var issuer = new BearerTokenIssuer(tokenKeyId, key);
        var validator = new BearerTokenValidator(new Dictionary<string, byte[]> { [tokenKeyId] = key }, TimeSpan.Zero);
        foreach (var role in (ServiceRole[])[ServiceRole.Gate, ServiceRole.Enrolment, ServiceRole.Operator])
        {
            var file = keys.TokenFile(role);
            var stale = signingChanged || !File.Exists(file) || !validator.Validate(File.ReadAllText(file).Trim()).IsValid;
            if (force || stale)
            {
                var name = RolePolicy.ToWireName(role);
                keys.Write(file, issuer.Issue("dev-" + name, role, TokenLifetime, role == ServiceRole.Gate ? "dev-gate" : null) + "\n");
            }
            else
            {
                keys._files.Add(new KeyFileChange(file, KeyFileAction.Kept));
            }
        }

        return keys;
    }

    private bool WriteIfMissing(string path, bool force, Func<string> content)
    {
        if (!force && File.Exists(path))
        {
            _files.Add(new KeyFileChange(path, KeyFileAction.Kept));
            return false;
        }

        Write(path, content() + "\n");
        return true;
    }

    private void Write(string path, string content)
    {
        _files.Add(new KeyFileChange(path, File.Exists(path) ? KeyFileAction.Replaced : KeyFileAction.Created));
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, content);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(tmp, path, overwrite: true);
    }
}
