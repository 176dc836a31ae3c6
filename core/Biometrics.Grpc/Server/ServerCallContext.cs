using System.Security.Claims;

namespace Biometrics.Grpc;

/// <summary>The server side of one call, as seen by a handler or interceptor: deadline, cancellation, metadata,
/// status, peer and identity. One instance per call; not thread-safe (handlers use it from one logical flow).</summary>
public abstract class ServerCallContext
{
    /// <summary>The full method path, <c>/package.Service/Method</c>.</summary>
    public abstract string Method { get; }

    /// <summary>The kind of method being called.</summary>
    public abstract MethodType MethodType { get; }

    /// <summary>The <c>:authority</c> the client addressed.</summary>
    public abstract string Host { get; }

    /// <summary>The caller's address, e.g. <c>ipv4:127.0.0.1:50122</c>.</summary>
    public abstract string Peer { get; }

    /// <summary>The call deadline in UTC (from <c>grpc-timeout</c>); <see cref="DateTime.MaxValue"/> when there is none.</summary>
    public abstract DateTime Deadline { get; }

    /// <summary>The request metadata (protocol headers removed; <c>-bin</c> values decoded).</summary>
    public abstract Metadata RequestHeaders { get; }

    /// <summary>Cancelled when the client resets the call, the connection drops, or the deadline passes.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Trailers to send with the status at the end of the call.</summary>
    public abstract Metadata ResponseTrailers { get; }

    /// <summary>The status the call will end with when the handler returns normally (default OK).</summary>
    public abstract Status Status { get; set; }

    /// <summary>Transport-level authentication (TLS client certificate).</summary>
    public abstract AuthContext AuthContext { get; }

    /// <summary>The caller's identity; an authentication interceptor sets it (empty principal by default).</summary>
    public abstract ClaimsPrincipal User { get; set; }

    /// <summary>Per-call state shared between interceptors and the handler.</summary>
    public abstract IDictionary<object, object?> Items { get; }

    /// <summary>Sends the response headers now (at most once, before the first response message).</summary>
    public abstract Task WriteResponseHeadersAsync(Metadata responseHeaders);
}
