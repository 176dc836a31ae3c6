using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Biometrics.Grpc;

/// <summary>Options of a <see cref="GrpcChannel"/>.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>Largest response message accepted; larger ones fail the call with RESOURCE_EXHAUSTED. Default 4 MiB;
    /// null means no limit.</summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest request message sent; larger ones fail the call with RESOURCE_EXHAUSTED. Default 4 MiB.</summary>
    public int? MaxSendMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Open more HTTP/2 connections when a connection's concurrent stream limit is reached (default true).</summary>
    public bool EnableMultipleHttp2Connections { get; set; } = true;

    /// <summary>Interval of HTTP/2 keep-alive PINGs; <see cref="Timeout.InfiniteTimeSpan"/> (default) disables them.</summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>How long to wait for a PING acknowledgement before the connection is considered dead (default 20 s).</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Whether keep-alive pings are also sent while no call is active (default: always).</summary>
    public HttpKeepAlivePingPolicy KeepAlivePingPolicy { get; set; } = HttpKeepAlivePingPolicy.Always;

    /// <summary>Time allowed to establish a connection (default 10 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Trusted roots for the server certificate (a private CA); null uses the system store.</summary>
    public X509Certificate2Collection? RootCertificates { get; set; }

    /// <summary>Client certificates for mutual TLS.</summary>
    public X509CertificateCollection? ClientCertificates { get; set; }

    /// <summary>Replaces the server certificate check entirely (tests only).</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }

    /// <summary>A custom HTTP handler (e.g. a test handler); when set, the connection options above are not applied.</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Whether disposing the channel disposes <see cref="HttpHandler"/> (default true).</summary>
    public bool DisposeHttpHandler { get; set; } = true;
}
