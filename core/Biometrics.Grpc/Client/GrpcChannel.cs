using System.Collections.Concurrent;
using Biometrics.Grpc.Client;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Biometrics.Grpc;

/// <summary>A client channel: one address served over one or more pooled HTTP/2 connections (plain text with prior
/// knowledge for <c>http://</c>, TLS with ALPN h2 for <c>https://</c>). Thread-safe; create one per server and share it.
/// Disposing it closes the connections.</summary>
public sealed class GrpcChannel : IDisposable
{
    private readonly ConcurrentDictionary<string, Uri> _uris = new(StringComparer.Ordinal);
    private readonly bool _disposeHandler;
    private readonly HttpCallInvoker _invoker;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        Address = address;
        Options = options;
        var handler = options.HttpHandler ?? CreateHandler(options);
        _disposeHandler = options.HttpHandler is null || options.DisposeHttpHandler;
        HttpInvoker = new HttpMessageInvoker(handler, disposeHandler: _disposeHandler);
        _invoker = new HttpCallInvoker(this);
    }

    /// <summary>The server address (scheme, host and port).</summary>
    public Uri Address { get; }

    /// <summary>The options the channel was created with.</summary>
    public GrpcChannelOptions Options { get; }

    internal HttpMessageInvoker HttpInvoker { get; }

    internal int MaxReceiveMessageSize => Options.MaxReceiveMessageSize ?? int.MaxValue;

    internal int MaxSendMessageSize => Options.MaxSendMessageSize ?? int.MaxValue;

    /// <summary>Creates a channel for an address such as <c>http://127.0.0.1:50051</c>.</summary>
    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null) => ForAddress(new Uri(address), options);

    /// <summary>Creates a channel for an address.</summary>
    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException("The address must be http:// (plain-text HTTP/2) or https:// (TLS).", nameof(address));
        return new GrpcChannel(address, options ?? new GrpcChannelOptions());
    }

    /// <summary>The call invoker of this channel (shared; thread-safe).</summary>
    public CallInvoker CreateCallInvoker() => _invoker;

    /// <summary>Closes the channel's connections; calls in flight fail.</summary>
    public void Dispose() => HttpInvoker.Dispose();

    internal Uri GetUri(IMethod method) => _uris.GetOrAdd(method.FullName, static (path, address) => new Uri(address, path), Address);

    private static SocketsHttpHandler CreateHandler(GrpcChannelOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = options.EnableMultipleHttp2Connections,
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = options.KeepAlivePingPolicy,
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            InitialHttp2StreamWindowSize = 1024 * 1024,
        };
        if (options.ClientCertificates is { Count: > 0 }) handler.SslOptions.ClientCertificates = options.ClientCertificates;
        if (options.ServerCertificateValidation is { } custom)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = custom;
        }
        else if (options.RootCertificates is { Count: > 0 } roots)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => ValidateWithRoots(certificate, errors, roots);
        }
        return handler;
    }

    private static bool ValidateWithRoots(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (certificate is null) return false;
        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false; // name mismatch, missing
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var cert2 = new X509Certificate2(certificate);
        return chain.Build(cert2);
    }
}
