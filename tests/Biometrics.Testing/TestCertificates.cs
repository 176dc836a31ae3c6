using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Biometrics.Testing;

/// <summary>
/// Certificates made in-process for the TLS tests (ECDSA P-256, nothing committed): certificate authorities and the
/// server and client certificates they issue, each with its private key, and PEM files of them.
/// </summary>
public static class TestCertificates
{
    /// <summary>Extended key usage: TLS client authentication.</summary>
    public static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Extended key usage: TLS server authentication.</summary>
    public static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    /// <summary>A certificate authority named <c>CN=<paramref name="name"/></c>: self-signed, or issued by
    /// <paramref name="issuer"/> (an intermediate).</summary>
    public static X509Certificate2 Authority(string name, X509Certificate2? issuer = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        if (issuer is null) return request.CreateSelfSigned(now.AddHours(-1), now.AddDays(2));

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using var signed = request.Create(issuer, now.AddHours(-1), now.AddDays(1), Serial());
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>A server certificate for <paramref name="dnsName"/> (and 127.0.0.1 when it is localhost).</summary>
    public static X509Certificate2 Server(X509Certificate2 issuer, string dnsName = "localhost") => Issue(issuer, dnsName, ServerAuth, dnsName);

    /// <summary>A client certificate (TLS client authentication) named <paramref name="name"/>.</summary>
    public static X509Certificate2 Client(X509Certificate2 issuer, string name) => Issue(issuer, name, ClientAuth);

    /// <summary>An end-entity certificate named <c>CN=<paramref name="name"/></c> for <paramref name="usage"/>, with
    /// <paramref name="dnsNames"/> (and 127.0.0.1 for localhost) as its subject alternative names.</summary>
    public static X509Certificate2 Issue(X509Certificate2 issuer, string name, Oid usage, params string[] dnsNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (dnsNames.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var dns in dnsNames) san.AddDnsName(dns);
            if (dnsNames.Contains("localhost")) san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
        }

        var now = DateTimeOffset.UtcNow;
        using var signed = request.Create(issuer, now.AddMinutes(-30), now.AddHours(12), Serial());
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>Writes <c>name.pem</c>, and <c>name.key</c> when the certificate has its private key, into
    /// <paramref name="directory"/>.</summary>
    public static (string Certificate, string? Key) WritePem(X509Certificate2 certificate, string directory, string name)
    {
        var cert = Path.Combine(directory, name + ".pem");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        using var ecdsa = certificate.GetECDsaPrivateKey();
        if (ecdsa is null) return (cert, null);

        var key = Path.Combine(directory, name + ".key");
        File.WriteAllText(key, ecdsa.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    }

    private static byte[] Serial()
    {
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F; // positive
        return serial;
    }
}
