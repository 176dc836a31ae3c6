using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Biometrics.Grpc;

/// <summary>Listener set-up for gRPC endpoints.</summary>
public static class GrpcListenOptionsExtensions
{
    /// <summary>Plain-text HTTP/2 with prior knowledge (tests and local use only).</summary>
    public static ListenOptions UseGrpcPlainText(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Protocols = HttpProtocols.Http2;
        return listen;
    }

    /// <summary>TLS offering only <c>h2</c> by ALPN. With <paramref name="clientCertificateRoots"/>, clients must present a
    /// certificate that chains to one of those roots (mutual TLS); the certificate is then available to interceptors
    /// through <see cref="ServerCallContext.AuthContext"/>.</summary>
    public static ListenOptions UseGrpcTls(this ListenOptions listen, X509Certificate2 serverCertificate, X509Certificate2Collection? clientCertificateRoots = null)
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
