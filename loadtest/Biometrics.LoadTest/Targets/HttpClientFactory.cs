using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Biometrics.LoadTest.Targets;

/// <summary>Builds the <see cref="HttpClient"/> the raw gRPC targets use: HTTP/2 only, several connections, optional TLS trust settings.</summary>
internal static class HttpClientFactory
{
    public static HttpClient Create(ConnectionOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = Math.Max(1, options.Connections),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            UseCookies = false,
            InitialHttp2StreamWindowSize = 1 << 20,
        };
        if (options.Address.Scheme == Uri.UriSchemeHttps)
        {
            X509Certificate2? ca = options.CaCertificateFile is null ? null : X509Certificate2.CreateFromPemFile(options.CaCertificateFile);
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
                {
                    if (options.InsecureSkipVerify || errors == SslPolicyErrors.None)
                    {
                        return true;
                    }

                    if (ca is null || cert is null || errors != SslPolicyErrors.RemoteCertificateChainErrors)
                    {
                        return false;
                    }

                    using var custom = new X509Chain();
                    custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    custom.ChainPolicy.CustomTrustStore.Add(ca);
                    custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return custom.Build(new X509Certificate2(cert));
                },
            };
        }

        return new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = options.Address,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }
}
