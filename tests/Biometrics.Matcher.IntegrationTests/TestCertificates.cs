using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>Certificate authorities and leaf certificates made for a test (ECDSA P-256, nothing committed); disposed with it.</summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
    }

    public (X509Certificate2 Cert, ECDsa Key) Ca(string name, (X509Certificate2 Cert, ECDsa Key)? issuer = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _owned.Add(key);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        X509Certificate2 cert;
        if (issuer is { } i)
        {
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(i.Cert, true, false));
            using var signed = request.Create(i.Cert, now.AddHours(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(12));
            cert = signed.CopyWithPrivateKey(key);
        }
        else
        {
            cert = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(2));
        }

        _owned.Add(cert);
        return (cert, key);
    }

    public X509Certificate2 Leaf(string name, (X509Certificate2 Cert, ECDsa Key) issuer, Oid usage, bool server = false)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _owned.Add(key);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer.Cert, true, false));
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(System.Net.IPAddress.Loopback);
            san.AddDnsName("localhost");
            request.CertificateExtensions.Add(san.Build());
        }

        var now = DateTimeOffset.UtcNow;
        using var signed = request.Create(issuer.Cert, now.AddMinutes(-30), now.AddHours(12), RandomNumberGenerator.GetBytes(12));
        var cert = signed.CopyWithPrivateKey(key);
        _owned.Add(cert);
        return cert;
    }
}
