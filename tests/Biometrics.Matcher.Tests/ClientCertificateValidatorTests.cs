using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Biometrics.Matcher.Hosting;

namespace Biometrics.Matcher.Tests;

/// <summary>The mutual-TLS rule itself (docs/SECURITY.md): only chains to the configured CA, for client authentication.</summary>
public sealed class ClientCertificateValidatorTests : IDisposable
{
    private static readonly Oid s_clientAuth = new("1.3.6.1.5.5.7.3.2");
    private static readonly Oid s_serverAuth = new("1.3.6.1.5.5.7.3.1");
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
    }

    [Fact]
    public void Validate_OnlyTheConfiguredCaForClientAuthentication()
    {
        var ours = Ca("Our CA");
        var validator = new ClientCertificateValidator([ours]);
        Assert.True(validator.Validate(Leaf(ours, s_clientAuth), null));
        Assert.False(validator.Validate(Leaf(ours, s_serverAuth), null));
        Assert.False(validator.Validate(Leaf(Ca("Other CA"), s_clientAuth), null));
        Assert.False(validator.Validate(Leaf(Ca("Our CA"), s_clientAuth), null)); // same name, other key

        var root = Ca("Public-Style Root");
        var intermediate = Ca("Public-Style Issuing CA", root);
        var leaf = Leaf(intermediate, s_clientAuth);
        using var presented = new X509Chain();
        presented.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        presented.ChainPolicy.CustomTrustStore.Add(root);
        presented.ChainPolicy.ExtraStore.Add(intermediate);
        presented.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(presented.Build(leaf)); // a valid chain to its own root...
        Assert.False(validator.Validate(leaf, presented)); // ...which is not ours
        Assert.True(new ClientCertificateValidator([root]).Validate(leaf, presented)); // intermediates sent by the client are used
    }

    [Fact]
    public void FromPemFile_NoCertificate_Throws()
    {
        var f = Path.GetTempFileName();
        try
        {
            File.WriteAllText(f, "nothing here\n");
            Assert.Throws<InvalidDataException>(() => ClientCertificateValidator.FromPemFile(f));
        }
        finally
        {
            File.Delete(f);
        }
    }

    private X509Certificate2 Ca(string name, X509Certificate2? issuer = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _owned.Add(key);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var now = DateTimeOffset.UtcNow;
        X509Certificate2 cert;
        if (issuer is null)
        {
            cert = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));
        }
        else
        {
            using var signed = request.Create(issuer, now.AddHours(-1), now.AddHours(20), RandomNumberGenerator.GetBytes(8));
            cert = signed.CopyWithPrivateKey(key);
        }

        _owned.Add(cert);
        return cert;
    }

    private X509Certificate2 Leaf(X509Certificate2 issuer, Oid usage)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=client", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        var now = DateTimeOffset.UtcNow;
        var cert = request.Create(issuer, now.AddMinutes(-10), now.AddHours(10), RandomNumberGenerator.GetBytes(8));
        _owned.Add(cert);
        return cert;
    }
}
