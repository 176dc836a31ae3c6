using Biometrics.LoadTest.Targets;

namespace Biometrics.LoadTest.Http2;

/// <summary>
/// A streaming gRPC call on the lean client (<see cref="Http2GrpcClient.OpenStreamAsync"/>): request messages are
/// written (<see cref="TryWrite"/>, copied and framed at once; flow control may hold them in the call until the
/// server's window opens) while response messages are read (<see cref="MoveNextAsync"/>, <see cref="Current"/>);
/// <see cref="CompleteRequests"/> half-closes (END_STREAM). Once reading returns false the call has ended and its
/// status is here. Dispose it exactly once: an ended call goes back to the pool, a half-closed one when it ends (its
/// deadline bounds the wait), any other is cancelled (RST_STREAM CANCEL).
/// Thread-safety: one writer and one reader may work at the same time; reads must not overlap each other.
/// </summary>
public readonly struct GrpcStream : IDisposable
{
    private readonly Http2Call _call;
    private readonly short _version;

    internal GrpcStream(Http2Call call, short version)
    {
        _call = call;
        _version = version;
    }

    /// <summary>Sends one request message (protobuf bytes); false when the call has ended or the request side was closed.</summary>
    public bool TryWrite(ReadOnlySpan<byte> message) => _call.Connection is { } c && c.Write(_call, _version, message);

    /// <summary>Half-closes: no more request messages (END_STREAM after those written).</summary>
    public void CompleteRequests() => _call.Connection?.CompleteRequest(_call, _version);

    /// <summary>
    /// Waits for the next response message: true with it in <see cref="Current"/>, false when the call has ended (then
    /// <see cref="Status"/> says how). Never throws for call failures.
    /// </summary>
    public ValueTask<bool> MoveNextAsync() => _call.Connection is { } c ? c.Read(_call, _version) : new ValueTask<bool>(false);

    /// <summary>The message <see cref="MoveNextAsync"/> returned last, without its prefix; valid until the next read.</summary>
    public ReadOnlyMemory<byte> Current => _call.Current;

    /// <summary>Whether the call got a stream (its HEADERS went out); false when it failed before, say for want of a connection.</summary>
    public bool Started => _call.StreamId != 0;

    /// <summary>The HTTP <c>:status</c> of the response; 0 when none arrived.</summary>
    public int HttpStatus => _call.HttpStatus;

    /// <summary>The gRPC status code once the call has ended; -1 before.</summary>
    public int Status => _call.State == Http2CallState.Done ? _call.GrpcStatus : -1;

    /// <summary>The <c>grpc-message</c> (percent-decoded) or a description of a local failure; null when none.</summary>
    public string? Message => _call.GrpcMessage;

    /// <summary>The report label once ended, as <see cref="GrpcResponse.Label"/>: <c>OK</c>, a gRPC status name, or <c>HTTP_nnn</c>.</summary>
    public string Label => _call.HttpStatus is 0 or 200 ? GrpcStatusNames.Of(Status) : string.Intern("HTTP_" + _call.HttpStatus.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <inheritdoc />
    public void Dispose()
    {
        if (_call is null)
        {
            return;
        }

        if (_call.Connection is { } c)
        {
            c.Dispose(_call, _version);
        }
        else
        {
            _call.Release(_version); // never reached a connection
        }
    }
}
