namespace Biometrics.Grpc;

/// <summary>Server options, set through <c>AddBiometricsGrpc(options => ...)</c>.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>Largest request message accepted (after decompression); larger ones end the call with
    /// RESOURCE_EXHAUSTED. Default 4 MiB; null means no limit.</summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest response message sent; larger ones end the call with RESOURCE_EXHAUSTED. Default 4 MiB.</summary>
    public int? MaxSendMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>When true, the message of an unexpected handler exception is sent to the client (development only).</summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>Interceptors around every call, outermost first.</summary>
    public InterceptorCollection Interceptors { get; } = new();

    /// <summary>When true (default), Kestrel is tuned for gRPC: HTTP/2 only on endpoints by default (prior knowledge on
    /// plain text, ALPN h2 on TLS), larger flow-control windows, more streams per connection, no Server header.</summary>
    public bool ConfigureKestrel { get; set; } = true;

    /// <summary>Concurrent streams per HTTP/2 connection (Kestrel's default is 100).</summary>
    public int MaxStreamsPerConnection { get; set; } = 1000;

    /// <summary>HTTP/2 per-stream receive window (Kestrel's default is 96 KiB).</summary>
    public int InitialStreamWindowSize { get; set; } = 1024 * 1024;

    /// <summary>HTTP/2 per-connection receive window (Kestrel's default is 128 KiB).</summary>
    public int InitialConnectionWindowSize { get; set; } = 4 * 1024 * 1024;
}
