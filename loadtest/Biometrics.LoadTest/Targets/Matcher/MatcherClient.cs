using System.Net.Security;
using Biometrics.LoadTest.Data;
using Biometrics.LoadTest.Http2;
using Biometrics.Edge.Connection;
using Biometrics.Protos.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using EnrolmentApi = Biometrics.Protos.V1.Enrolment;
using MatcherApi = Biometrics.Protos.V1.Matcher;

namespace Biometrics.LoadTest.Targets.Matcher;

/// <summary>
/// The matcher's methods, with the gate's bearer token and deadline on every call, plus the synthetic-face
/// settings the scenarios share. Verify, Identify, Enrol and GateSession go through the tool's own lean HTTP/2
/// client (<see cref="Lean"/>, one per matcher, opened on first use) with the method descriptors of the generated
/// code; <c>seed</c>'s EnrolStream through the generated client (<see cref="Enrolment"/>) on one Grpc.Net.Client
/// <see cref="GrpcChannel"/>. Thread-safe.
/// </summary>
public sealed class MatcherClient : IDisposable, IAsyncDisposable
{
    /// <summary>Matcher.Verify, as the generated code declares it.</summary>
    public static readonly Method<VerifyRequest, Verdict> Verify = GeneratedMethods.Find<VerifyRequest, Verdict>(b => MatcherApi.BindService(b, null), MethodType.Unary);

    /// <summary>Matcher.Identify, as the generated code declares it.</summary>
    public static readonly Method<IdentifyRequest, IdentifyResponse> Identify = GeneratedMethods.Find<IdentifyRequest, IdentifyResponse>(b => MatcherApi.BindService(b, null), MethodType.Unary);

    /// <summary>Enrolment.Enrol, as the generated code declares it.</summary>
    public static readonly Method<EnrolRequest, EnrolResponse> Enrol = GeneratedMethods.Find<EnrolRequest, EnrolResponse>(b => EnrolmentApi.BindService(b, null), MethodType.Unary);

    /// <summary>Matcher.GateSession (bidirectional streaming), as the generated code declares it.</summary>
    public static readonly Method<GateSessionRequest, GateSessionResponse> GateSession = GeneratedMethods.Find<GateSessionRequest, GateSessionResponse>(b => MatcherApi.BindService(b, null), MethodType.DuplexStreaming);

    /// <summary>HTTP/2 PING after this long without frames on a connection of the channel (Grpc.Net.Client keep-alive).</summary>
    public static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(30);

    /// <summary>A connection whose PING is not answered within this long is closed (its calls fail UNAVAILABLE).</summary>
    public static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(20);

    private readonly GrpcChannel _channel;
    private readonly Http2GrpcClient[] _unary;
    private readonly HealthAwareResolver? _unaryHealth;
    private readonly Metadata? _headers;
    private readonly TimeSpan? _deadline;
    private Http2GrpcClient[] _usable;
    private uint _next;

    /// <summary>Connects (lazily) to the matcher, or the matchers, described by <paramref name="connection"/>.</summary>
    public MatcherClient(ConnectionOptions connection, SyntheticFaces faces, string modelId)
    {
        Connection = connection;
        Faces = faces;
        ModelId = modelId;
        _headers = connection.BearerToken is null ? null : new Metadata { { "authorization", "Bearer " + connection.BearerToken } };
        _deadline = connection.Deadline;
        IReadOnlyList<Uri> addresses = connection.Addresses.Count > 0 ? connection.Addresses : [connection.Address];
        _channel = addresses.Count == 1
            ? GrpcChannel.ForAddress(addresses[0], ChannelOptions(connection))
            : BalancedChannel.Create(addresses, ChannelOptions(connection), a => GrpcChannel.ForAddress(a, ChannelOptions(connection)), _headers);
        Enrolment = new EnrolmentApi.EnrolmentClient(_channel);
        // Unary calls and gate sessions: one lean client per matcher (connections open on first use), round robin over those whose health
        // watch says SERVING (or has not said yet), as the balanced channel does for the streams.
        _unary = [.. addresses.Select(a => new Http2GrpcClient(connection with { Address = a, Addresses = [] }))];
        _usable = _unary;
        if (addresses.Count > 1)
        {
            _unaryHealth = new HealthAwareResolver(addresses, a => GrpcChannel.ForAddress(a, ChannelOptions(connection)), _headers, BalancedChannel.HealthRetry);
            _unaryHealth.Start(result =>
            {
                var usable = _unary.Where(c => result.Addresses!.Any(b => $"{b.EndPoint.Host}:{b.EndPoint.Port}" == c.Authority)).ToArray();
                Volatile.Write(ref _usable, usable.Length > 0 ? usable : _unary);
            });
        }
    }

    /// <summary>The generated Enrolment client (EnrolStream for <c>seed</c>) on the channel.</summary>
    public EnrolmentApi.EnrolmentClient Enrolment { get; }

    /// <summary>The lean HTTP/2 client for the next call: the only one, or the next matcher in turn that is SERVING.</summary>
    public Http2GrpcClient Lean
    {
        get
        {
            var usable = Volatile.Read(ref _usable);
            return usable.Length == 1 ? usable[0] : usable[Interlocked.Increment(ref _next) % (uint)usable.Length];
        }
    }

    /// <summary>How many matchers there are (<c>--target</c>).</summary>
    public int Matchers => _unary.Length;

    /// <summary>The lean client of the next matcher in turn other than <paramref name="avoid"/> (one that just failed): SERVING ones first, else any other.</summary>
    public Http2GrpcClient LeanOtherThan(Http2GrpcClient avoid)
    {
        var usable = Volatile.Read(ref _usable);
        var start = Interlocked.Increment(ref _next);
        foreach (var candidates in new[] { usable, _unary })
        {
            for (var k = 0; k < candidates.Length; k++)
            {
                var c = candidates[(start + k) % (uint)candidates.Length];
                if (!ReferenceEquals(c, avoid))
                {
                    return c;
                }
            }
        }

        return avoid; // the only matcher
    }

    /// <summary>The per-call deadline (<c>--deadline</c>), if any.</summary>
    public TimeSpan? Deadline => _deadline;

    /// <summary>Calls <paramref name="method"/> on the next matcher (<see cref="Lean"/>) with the deadline.</summary>
    public ValueTask<GrpcResult<T>> UnaryAsync<T>(IMethod method, ReadOnlyMemory<byte> request, MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        var client = Lean;
        return client.UnaryAsync(client.Method(method), request, parser, _deadline, cancellationToken);
    }

    /// <summary>Calls <paramref name="method"/> on the next matcher (<see cref="Lean"/>) with the deadline.</summary>
    public ValueTask<GrpcResult<T>> UnaryAsync<T>(IMethod method, IMessage request, MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        var client = Lean;
        return client.UnaryAsync(client.Method(method), request, parser, _deadline, cancellationToken);
    }

    /// <summary>Opens the lean clients' connections (failures are retried by the calls, which report UNAVAILABLE meanwhile).</summary>
    public async ValueTask ConnectLeanAsync(CancellationToken cancellationToken)
    {
        foreach (var client in _unary)
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Where and how the matcher is reached.</summary>
    public ConnectionOptions Connection { get; }

    /// <summary>The synthetic gallery and probes.</summary>
    public SyntheticFaces Faces { get; }

    /// <summary>The model id sent with every embedding.</summary>
    public string ModelId { get; }

    /// <summary>Call options for one call: token, deadline (unless <paramref name="deadline"/> overrides), cancellation.</summary>
    public CallOptions Options(CancellationToken cancellationToken, TimeSpan? deadline = null)
    {
        var d = deadline ?? _deadline;
        return new CallOptions(_headers, d is { } t ? DateTime.UtcNow + t : null, cancellationToken);
    }

    /// <summary>An embedding message of <paramref name="vector"/>.</summary>
    public Embedding Embedding(ReadOnlySpan<float> vector)
    {
        var e = new Embedding { ModelId = ModelId };
        e.Values.Capacity = vector.Length;
        foreach (var v in vector)
        {
            e.Values.Add(v);
        }

        return e;
    }

    /// <summary>A probe of subject <paramref name="subject"/>: genuine or impostor, probe number <paramref name="probe"/>.</summary>
    public Probe Probe(long subject, bool genuine, long probe)
    {
        var v = new float[Faces.Dimension];
        if (genuine)
        {
            Faces.GenuineProbe(subject, probe, v);
        }
        else
        {
            Faces.ImpostorProbe(subject, probe, v);
        }

        return new Probe { Embedding = Embedding(v) };
    }

    /// <summary>
    /// The label of a failed call: its status name, except that a call which could not start because no connection could
    /// be made (TCP, name resolution or TLS) is <c>UNAVAILABLE</c>, as gRPC defines it and as the lean client labels it;
    /// Grpc.Net.Client reports a refused TLS handshake as INTERNAL ("Error starting gRPC call").
    /// </summary>
    public static string StatusOf(RpcException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.StatusCode == StatusCode.Internal
            && e.InnerException is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError or HttpRequestError.NameResolutionError }
            ? GrpcStatusNames.Of((int)StatusCode.Unavailable)
            : GrpcStatusNames.Of((int)e.StatusCode);
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _unaryHealth?.Dispose();
        foreach (var client in _unary)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }

        _channel.Dispose();
    }

    private static GrpcChannelOptions ChannelOptions(ConnectionOptions connection)
    {
        var handler = new SocketsHttpHandler
        {
            KeepAlivePingDelay = KeepAlivePingDelay,
            KeepAlivePingTimeout = KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        if (connection.Address.Scheme == Uri.UriSchemeHttps)
        {
            // The same trust as the lean client's (system roots, --ca, or --insecure): Http2Tls.
            handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = Http2Tls.ServerCertificateValidation(connection) };
        }

        return new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true };
    }
}
