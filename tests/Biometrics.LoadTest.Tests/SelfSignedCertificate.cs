using System.Security.Cryptography.X509Certificates;
using Biometrics.Testing;

namespace Biometrics.LoadTest.Tests;

/// <summary>A server certificate for 127.0.0.1 and localhost from a CA made for the test, for the TLS test servers.</summary>
internal static class SelfSignedCertificate
{
    /// <summary>Creates the certificate (with its key, ready for Kestrel) and writes its CA, certificate only, as PEM to <paramref name="caFile"/>.</summary>
    public static async Task<X509Certificate2> CreateAsync(string caFile)
    {
        using var ca = TestCertificates.Authority("biometrics-load test CA");
        await File.WriteAllTextAsync(caFile, ca.ExportCertificatePem());
        return TestCertificates.Server(ca);
    }
}
