using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Biometrics.Edge.IntegrationTests.Connection;

/// <summary>
/// Certificates for the TLS tests, made in-process (ECDSA P-256): certificate authorities, and server and client
/// certificates they issue, each written to <see cref="Directory"/> as PEM (certificate, and key) for the edge's
/// <c>--ca</c>, <c>--client-cert</c> and <c>--client-key</c>. Disposing deletes the files.
/// </summary>
public sealed class TestPki : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "biometrics-edge-pki-" + Guid.NewGuid().ToString("N")[..8]);

    public TestPki() => System.IO.Directory.CreateDirectory(Directory);

    /// <summary>A self-signed CA certificate (with its key).</summary>
    public static X509Certificate2 CreateAuthority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    /// <summary>A server certificate for <paramref name="dnsName"/> and 127.0.0.1 issued by <paramref name="issuer"/> (with its key).</summary>
    public static X509Certificate2 CreateServer(X509Certificate2 issuer, string dnsName = "localhost") =>
        Issue(issuer, "CN=" + dnsName, "1.3.6.1.5.5.7.3.1", san =>
        {
            san.AddDnsName(dnsName);
            if (dnsName == "localhost")
            {
                san.AddIpAddress(IPAddress.Loopback);
            }
        });

    /// <summary>A client (TLS client authentication) certificate issued by <paramref name="issuer"/> (with its key).</summary>
    public static X509Certificate2 CreateClient(X509Certificate2 issuer, string name) =>
        Issue(issuer, "CN=" + name, "1.3.6.1.5.5.7.3.2", san => san.AddDnsName(name));

    /// <summary>Writes the certificate as PEM (and its private key, when it has one, as a separate PEM) and returns the paths.</summary>
    public (string Certificate, string? Key) Write(X509Certificate2 certificate, string name)
    {
        var certFile = Path.Combine(Directory, name + ".pem");
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
        using var key = certificate.GetECDsaPrivateKey();
        if (key is null)
        {
            return (certFile, null);
        }

        var keyFile = Path.Combine(Directory, name + ".key");
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certFile, keyFile);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static X509Certificate2 Issue(X509Certificate2 issuer, string subject, string usageOid, Action<SubjectAlternativeNameBuilder> names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usageOid)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        var san = new SubjectAlternativeNameBuilder();
        names(san);
        request.CertificateExtensions.Add(san.Build());
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(issuer, now.AddMinutes(-1), now.AddHours(12), serial);
        return issued.CopyWithPrivateKey(key);
    }
}
