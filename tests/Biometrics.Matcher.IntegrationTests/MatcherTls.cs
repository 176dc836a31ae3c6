using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Biometrics.Matcher.Hosting;
using Biometrics.Testing;
using Grpc.Net.Client;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>What the TLS tests share around their certificates (made with <see cref="TestCertificates"/>): the settings of
/// a matcher run the production way, and a client channel pinned to the server's certificate.</summary>
internal static class MatcherTls
{
    /// <summary>The settings of a matcher run the production way: no development mode, TLS on <paramref name="port"/>
    /// with the given server certificate, the keys of <paramref name="keys"/>, no image pipeline.</summary>
    public static Dictionary<string, string?> Settings(int port, string certificateFile, string keyFile, DevelopmentKeys keys, string redisEndPoint) => new()
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
