using System.Security.Cryptography.X509Certificates;
using Biometrics.Testing;

namespace Biometrics.Edge.IntegrationTests.Connection;

/// <summary>
/// A folder for the TLS tests' certificates (made with <see cref="TestCertificates"/>), written as PEM (certificate, and
/// key) for the edge's <c>--ca</c>, <c>--client-cert</c> and <c>--client-key</c>. Disposing deletes the files.
/// </summary>
public sealed class TestPki : IDisposable
{
    private readonly TempFolder _folder = new("biometrics-edge-pki-");

    public string Directory => _folder.Path;

    /// <summary>Writes the certificate as PEM (and its private key, when it has one, as a separate PEM) and returns the paths.</summary>
    public (string Certificate, string? Key) Write(X509Certificate2 certificate, string name) => TestCertificates.WritePem(certificate, Directory, name);

    public void Dispose() => _folder.Dispose();
}
