using System.Runtime.CompilerServices;
using Biometrics.LoadTest.Engine;
using Biometrics.LoadTest.Http2;

namespace Biometrics.LoadTest.Targets;

/// <summary>
/// Calls any unary gRPC method with a fixed request message (protobuf bytes; the 5-byte gRPC prefix is added by the
/// client) over the tool's own HTTP/2 client (<see cref="Http2GrpcClient"/>): what h2load does, so the two can be
/// compared. The status is <c>grpc-status</c> from the trailers (or the headers of a trailers-only answer),
/// <c>HTTP_nnn</c> for a response that is not HTTP 200, <c>UNAVAILABLE</c> when the connection fails. Thread-safe.
/// </summary>
public sealed class RawUnaryGrpcTarget : ILoadTarget
{
    private readonly ConnectionOptions _options;
    private readonly Http2GrpcClient _client;
    private readonly GrpcMethod _method;
    private readonly byte[] _message;

    /// <summary>Targets <paramref name="method"/> (<c>/package.Service/Method</c>) with <paramref name="message"/> as every request.</summary>
    public RawUnaryGrpcTarget(ConnectionOptions options, string method, ReadOnlySpan<byte> message)
    {
        if (!method.StartsWith('/') || method.Count(c => c == '/') != 2)
        {
            throw new ArgumentException("method must look like /package.Service/Method", nameof(method));
        }

        _options = options;
        _client = new Http2GrpcClient(options);
        _method = _client.Method(method);
        _message = message.ToArray();
    }

    /// <inheritdoc />
    public string Description => $"{_options.Address.GetLeftPart(UriPartial.Authority)}{_method.Path} (request {_message.Length} bytes, raw HTTP/2, {_options.Connections} connections)";

    /// <inheritdoc />
    public async ValueTask InitializeAsync(CancellationToken cancellationToken) => await _client.ConnectAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        using var response = await _client.UnaryAsync(_method, _message, _options.Deadline, cancellationToken).ConfigureAwait(false);
        return response.IsOk ? StepResult.Ok() : StepResult.Fail(response.Label);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
