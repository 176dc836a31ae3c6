using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Biometrics.LoadTest.Tests;

/// <summary>A self-signed server certificate for 127.0.0.1 and localhost, valid one day either side of now, for the TLS test servers.</summary>
internal static class SelfSignedCertificate
{
    /// <summary>Creates the certificate (with its key, ready for Kestrel) and writes it, certificate only, as PEM to <paramref name="caFile"/>.</summary>
    public static async Task<X509Certificate2> CreateAsync(string caFile)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=biometrics-load test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        await File.WriteAllTextAsync(caFile, created.ExportCertificatePem());
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}
