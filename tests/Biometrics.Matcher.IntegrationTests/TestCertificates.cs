using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Biometrics.Matcher.Hosting;
using Biometrics.Testing;
using Grpc.Net.Client;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>
/// Certificate authorities and leaf certificates made for a test (ECDSA P-256, nothing committed), disposed with it; and
/// what the TLS tests share around them: PEM files, the settings of a matcher run the production way, a pinned client.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    /// <summary>Extended key usage: TLS client authentication.</summary>
    public static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Extended key usage: TLS server authentication.</summary>
    public static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

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

    /// <summary>Writes <c>name.pem</c> (and <c>name.key</c> when the certificate has its private key) into <paramref name="directory"/>.</summary>
    public static (string Cert, string Key) WritePem(X509Certificate2 certificate, string directory, string name)
    {
        var cert = Path.Combine(directory, name + ".pem");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        var key = Path.Combine(directory, name + ".key");
        using var ecdsa = certificate.GetECDsaPrivateKey();
        if (ecdsa is not null) File.WriteAllText(key, ecdsa.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    }

    /// <summary>The settings of a matcher run the production way: no development mode, TLS on <paramref name="port"/>
    /// with the given server certificate, the keys of <paramref name="keys"/>, no image pipeline.</summary>
    public static Dictionary<string, string?> TlsMatcherSettings(int port, string certificateFile, string keyFile, DevelopmentKeys keys, string redisEndPoint) => new()
    {
        ["Matcher:Url"] = $"https://127.0.0.1:{port}",
        ["Matcher:Security:DevelopmentMode"] = "false",
        ["Matcher:Security:TlsCertificateFile"] = certificateFile,
        ["Matcher:Security:TlsKeyFile"] = keyFile,
        ["Matcher:Security:TokenSigningKeyFile"] = keys.TokenSigningKeyFile,
        ["Matcher:Store:PseudonymisationKeyFile"] = keys.PseudonymisationKeyFile,
        ["Matcher:Store:EncryptionKeyFile"] = keys.EncryptionKeyFile,
        ["Matcher:Redis:Configuration"] = redisEndPoint,
        ["Matcher:Pipeline:Enabled"] = "false",
        ["Matcher:CalibrationFile"] = Path.Combine(SharedFiles.RepoRoot, "matcher", "Biometrics.Matcher", "calibration.json"),
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>A client as a gate or an operator tool would hold: the server pinned by its certificate's thumbprint,
    /// <paramref name="client"/> (with the intermediates of <paramref name="chain"/>) as its client certificate when given.</summary>
    public static GrpcChannel PinnedChannel(int port, string serverThumbprint, X509Certificate2? client, X509Certificate2Collection? chain = null)
    {
        var ssl = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 c && c.GetCertHashString() == serverThumbprint,
        };
        if (client is not null) ssl.ClientCertificateContext = SslStreamCertificateContext.Create(client, chain, offline: true);
        return GrpcChannel.ForAddress($"https://127.0.0.1:{port}", new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { SslOptions = ssl } });
    }
}
