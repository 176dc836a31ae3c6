using System.Security.Cryptography;
using Biometrics.Matcher.Security;

namespace Biometrics.Matcher.Core.Tests.Security;

public sealed class KeyMaterialTests
{
    [Fact]
    public void DevKeys_Generate_FilesLoadAndSignVerify()
    {
        var dir = Directory.CreateTempSubdirectory("devkeys-");
        try
        {
            var files = DevKeys.Generate(dir.FullName, "dev-issuer", "dev");
            using var issuer = new QrTokenIssuer(files.Issuer, KeyMaterial.LoadEcPrivateKey(files.QrPrivateKeyPath));
            using var validator = new QrTokenValidator(new Dictionary<string, ECDsa> { [files.Issuer] = KeyMaterial.LoadEcPublicKey(files.QrPublicKeyPath) });
            Assert.True(validator.Validate(issuer.Issue("s", TimeSpan.FromMinutes(1))).IsValid);

            var key = KeyMaterial.ReadKeyFile(files.BearerKeyPath);
            var bv = new BearerTokenValidator(new Dictionary<string, byte[]> { ["dev"] = key });
            Assert.True(bv.Validate(new BearerTokenIssuer("dev", key).Issue("c", ServiceRole.Operator, TimeSpan.FromMinutes(1))).IsValid);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(files.QrPrivateKeyPath));
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void LoadEcPublicKey_Base64Spki_Loads()
    {
        using var ec = DevKeys.CreateQrIssuerKey();
        using var pub = KeyMaterial.LoadEcPublicKey(Convert.ToBase64String(ec.ExportSubjectPublicKeyInfo()));
        Assert.Equal(256, pub.KeySize);
    }

    [Fact]
    public void LoadEcPrivateKey_PublicKeyOnly_Throws()
    {
        using var ec = DevKeys.CreateQrIssuerKey();
        Assert.Throws<CryptographicException>(() => KeyMaterial.LoadEcPrivateKey(ec.ExportSubjectPublicKeyInfoPem()));
    }

    [Fact]
    public void LoadEcPublicKey_WrongCurve_Throws()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Throws<CryptographicException>(() => KeyMaterial.LoadEcPublicKey(p384.ExportSubjectPublicKeyInfoPem()));
    }

    [Fact]
    public void ReadKeyFile_RawOrBase64Text_GivesTheKeyBytes()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var raw = Path.GetTempFileName();
        var text = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(raw, key);
            File.WriteAllText(text, Convert.ToBase64String(key) + "\n");
            Assert.Equal(key, KeyMaterial.ReadKeyFile(raw));
            Assert.Equal(key, KeyMaterial.ReadKeyFile(text));
            Assert.Equal(key, KeyMaterial.Load(raw, Convert.ToBase64String(key)));
        }
        finally
        {
            File.Delete(raw);
            File.Delete(text);
        }
    }

    [Fact]
    public void Load_NoFileNoBase64_Throws() => Assert.Throws<FormatException>(() => KeyMaterial.Load(null, null));
}
