using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Biometrics.Testing;

namespace Biometrics.Redis.IntegrationTests;

/// <summary>A redis-server with a TLS port (self-signed certificate made here), separate from the shared one.</summary>
public sealed class TlsTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly string _certDir = Directory.CreateTempSubdirectory("redis-tls").FullName;
    private readonly RedisServer _server;
    private readonly int _tlsPort = FreePort.Next();
    private readonly string _thumbprint;

    public TlsTests()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        _thumbprint = cert.GetCertHashString();
        var certFile = Path.Combine(_certDir, "cert.pem");
        var keyFile = Path.Combine(_certDir, "key.pem");
        File.WriteAllText(certFile, cert.ExportCertificatePem());
        File.WriteAllText(keyFile, rsa.ExportPkcs8PrivateKeyPem());
        _server = new RedisServer(
            "--tls-port", _tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tls-cert-file", certFile, "--tls-key-file", keyFile, "--tls-ca-cert-file", certFile, "--tls-auth-clients", "no");
    }

    [Fact]
    public async Task Connect_TlsWithPinnedCertificate_CommandsWork()
    {
        var options = new RedisOptions
        {
            Port = _tlsPort,
            UseTls = true,
            TlsHost = "localhost",
            Protocol = RedisProtocol.Resp3,
            RemoteCertificateValidation = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == _thumbprint,
        };
        await using var mux = await RedisConnectionMultiplexer.ConnectAsync(options).WaitAsync(Limit);
        var db = mux.GetDatabase();
        await db.StringSetAsync("tls-key", new byte[4096]).AsTask().WaitAsync(Limit);
        Assert.Equal(4096, (await db.StringGetAsync("tls-key").AsTask().WaitAsync(Limit))!.Length);
    }

    [Fact]
    public async Task Connect_TlsUntrustedCertificate_ThrowsConnectionException()
    {
        var options = new RedisOptions { Port = _tlsPort, UseTls = true, TlsHost = "localhost", ConnectTimeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAsync<RedisConnectionException>(() => RedisConnectionMultiplexer.ConnectAsync(options).WaitAsync(Limit));
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_certDir, recursive: true);
    }
}
