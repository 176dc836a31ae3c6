using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Biometrics.Grpc.Server;

/// <summary>Applies <see cref="GrpcServerOptions"/>' HTTP/2 tuning to Kestrel (DESIGN.md section 12).</summary>
internal sealed class GrpcKestrelOptionsSetup(IOptions<GrpcServerOptions> grpcOptions) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions options)
    {
        var o = grpcOptions.Value;
        if (!o.ConfigureKestrel) return;
        options.AddServerHeader = false;
        var http2 = options.Limits.Http2;
        http2.MaxStreamsPerConnection = o.MaxStreamsPerConnection;
        http2.InitialConnectionWindowSize = Math.Max(o.InitialConnectionWindowSize, o.InitialStreamWindowSize);
        http2.InitialStreamWindowSize = o.InitialStreamWindowSize;
        // Plain text needs HTTP/2 with prior knowledge; on TLS this makes ALPN offer h2 only.
        options.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2);
    }
}
