using System.Security.Cryptography.X509Certificates;
using Biometrics.Grpc;
using Biometrics.LoadTest.Data;
using Biometrics.LoadTest.Http2;
using Biometrics.Protos.V1;

namespace Biometrics.LoadTest.Targets.Matcher;

/// <summary>
/// The matcher's methods, with the gate's bearer token and deadline on every call, plus the synthetic-face
/// settings the scenarios share. Unary calls (Verify, Identify, Enrol) go through the tool's own lean HTTP/2
/// client (<see cref="Unary"/>, opened on first use); streaming calls (GateSession, EnrolStream for <c>seed</c>)
/// through one <see cref="GrpcChannel"/> of our gRPC layer. Thread-safe.
/// </summary>
public sealed class MatcherClient : IDisposable, IAsyncDisposable
{
    /// <summary>Matcher.Verify.</summary>
    public static readonly Method<VerifyRequest, Verdict> Verify = new(MethodType.Unary, "biometrics.v1.Matcher", "Verify", Marshallers.Create<VerifyRequest>(), Marshallers.Create<Verdict>());

    /// <summary>Matcher.Identify.</summary>
    public static readonly Method<IdentifyRequest, IdentifyResponse> Identify = new(MethodType.Unary, "biometrics.v1.Matcher", "Identify", Marshallers.Create<IdentifyRequest>(), Marshallers.Create<IdentifyResponse>());

    /// <summary>Matcher.GateSession.</summary>
    public static readonly Method<GateSessionRequest, GateSessionResponse> GateSession = new(MethodType.DuplexStreaming, "biometrics.v1.Matcher", "GateSession", Marshallers.Create<GateSessionRequest>(), Marshallers.Create<GateSessionResponse>());

    /// <summary>Enrolment.Enrol.</summary>
    public static readonly Method<EnrolRequest, EnrolResponse> Enrol = new(MethodType.Unary, "biometrics.v1.Enrolment", "Enrol", Marshallers.Create<EnrolRequest>(), Marshallers.Create<EnrolResponse>());

    /// <summary>Enrolment.EnrolStream.</summary>
    public static readonly Method<EnrolRequest, EnrolResponse> EnrolStream = new(MethodType.DuplexStreaming, "biometrics.v1.Enrolment", "EnrolStream", Marshallers.Create<EnrolRequest>(), Marshallers.Create<EnrolResponse>());

    private readonly GrpcChannel _channel;
    private readonly Lazy<Http2GrpcClient> _unary;
    private readonly Metadata? _headers;
    private readonly TimeSpan? _deadline;

    /// <summary>Connects (lazily) to the matcher described by <paramref name="connection"/>.</summary>
    public MatcherClient(ConnectionOptions connection, SyntheticFaces faces, string modelId)
    {
        Connection = connection;
        Faces = faces;
        ModelId = modelId;
        var options = new GrpcChannelOptions { EnableMultipleHttp2Connections = true };
        if (connection.CaCertificateFile is { } ca)
        {
            // A CA file holds certificates only; CreateFromPemFile would look for a private key in it.
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(ca);
            options.RootCertificates = roots;
        }

        if (connection.InsecureSkipVerify)
        {
            options.ServerCertificateValidation = static (_, _, _, _) => true;
        }

        _channel = GrpcChannel.ForAddress(connection.Address, options);
        Invoker = _channel.CreateCallInvoker();
        _headers = connection.BearerToken is null ? null : new Metadata().Add("authorization", "Bearer " + connection.BearerToken);
        _deadline = connection.Deadline;
        _unary = new Lazy<Http2GrpcClient>(() => new Http2GrpcClient(connection), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The lean HTTP/2 client for unary calls (its connections open on <see cref="ConnectUnaryAsync"/> or the first call).</summary>
    public Http2GrpcClient Unary => _unary.Value;

    /// <summary>The per-call deadline (<c>--deadline</c>), if any.</summary>
    public TimeSpan? Deadline => _deadline;

    /// <summary>Opens the unary client's connections (failures are retried by the calls, which report UNAVAILABLE meanwhile).</summary>
    public async ValueTask ConnectUnaryAsync(CancellationToken cancellationToken) => await Unary.ConnectAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Where and how the matcher is reached.</summary>
    public ConnectionOptions Connection { get; }

    /// <summary>The synthetic gallery and probes.</summary>
    public SyntheticFaces Faces { get; }

    /// <summary>The model id sent with every embedding.</summary>
    public string ModelId { get; }

    /// <summary>The call invoker.</summary>
    public CallInvoker Invoker { get; }

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

    /// <summary>The label of a failed call.</summary>
    public static string StatusOf(RpcException e) => GrpcStatusNames.Of((int)e.StatusCode);

    /// <inheritdoc />
    public void Dispose() => _channel.Dispose();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_unary.IsValueCreated)
        {
            await _unary.Value.DisposeAsync().ConfigureAwait(false);
        }

        _channel.Dispose();
    }
}
