using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Biometrics.Grpc.TestServer;

/// <summary>TLS for the test host's endpoints: h2 over ALPN, and mutual TLS whose client certificates must chain to the
/// given roots only (never the system store).</summary>
public static class TestServerTls
{
    public static ListenOptions UseTestTls(this ListenOptions listen, X509Certificate2 serverCertificate, X509Certificate2Collection? clientCertificateRoots = null)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(serverCertificate);
        listen.Protocols = HttpProtocols.Http2;
        var https = new HttpsConnectionAdapterOptions { ServerCertificate = serverCertificate };
        if (clientCertificateRoots is { Count: > 0 } roots)
        {
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (certificate, _, errors) =>
            {
                if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            };
        }
        listen.UseHttps(https);
        return listen;
    }
}
