using System.Buffers.Binary;
using System.Threading.Tasks.Sources;

namespace Biometrics.LoadTest.Http2;

/// <summary>
/// The state of one unary call, pooled by <see cref="Http2GrpcClient"/>: request (method, message, deadline),
/// stream (id, send progress, windows) and response (statuses, body). Its fields change only under its
/// connection's lock until it is completed; then they are read-only until <see cref="Release"/> returns it to the
/// pool. It is the <see cref="IValueTaskSource{TResult}"/> behind the call's <see cref="ValueTask{TResult}"/>.
/// Thread-safety: not thread-safe by itself; its connection's lock and the complete-then-release order make it safe.
/// </summary>
internal sealed class Http2UnaryCall : IValueTaskSource<GrpcResponse>
{
    private readonly Http2GrpcClient _owner;
    private ManualResetValueTaskSourceCore<GrpcResponse> _core; // continuations run inline, on the completing thread
    private byte[] _body = new byte[256];
    private bool _released = true;

    public Http2UnaryCall(Http2GrpcClient owner) => _owner = owner;

    // Request side.
    public Http2Connection? Connection { get; set; }

    public GrpcMethod Method { get; private set; } = null!;

    public ReadOnlyMemory<byte> Message { get; private set; }

    /// <summary>Stopwatch timestamp of the deadline; 0 when there is none.</summary>
    public long DeadlineTimestamp { get; private set; }

    public CancellationTokenRegistration Registration { get; set; }

    public int StreamId { get; set; }

    /// <summary>Bytes of the framed request (5-byte prefix + message) sent so far.</summary>
    public int BodySent { get; set; }

    public int BodyTotal => 5 + Message.Length;

    public long SendWindow { get; set; }

    public int ReceivedUnacknowledged { get; set; }

    public bool Blocked { get; set; }

    public Http2CallState State { get; set; }

    // Response side.
    public int HttpStatus { get; set; }

    public int GrpcStatus { get; set; }

    public string? GrpcMessage { get; set; }

    public int HeaderBlocks { get; set; }

    public int BodyLength { get; private set; }

    public short Version => _core.Version;

    /// <summary>The response message without its prefix (validated when the call completed).</summary>
    public ReadOnlyMemory<byte> Payload => BodyLength >= 5 ? _body.AsMemory(5, BodyLength - 5) : ReadOnlyMemory<byte>.Empty;

    public void Prepare(GrpcMethod method, ReadOnlyMemory<byte> message, long deadlineTimestamp)
    {
        _core.Reset();
        _released = false;
        Method = method;
        Message = message;
        DeadlineTimestamp = deadlineTimestamp;
        Connection = null;
        Registration = default;
        StreamId = 0;
        BodySent = 0;
        SendWindow = 0;
        ReceivedUnacknowledged = 0;
        Blocked = false;
        State = Http2CallState.Idle;
        HttpStatus = 0;
        GrpcStatus = -1;
        GrpcMessage = null;
        HeaderBlocks = 0;
        BodyLength = 0;
    }

    public void AppendBody(ReadOnlySpan<byte> data)
    {
        if (BodyLength + data.Length > _body.Length)
        {
            Array.Resize(ref _body, Math.Max(BodyLength + data.Length, _body.Length * 2));
        }

        data.CopyTo(_body.AsSpan(BodyLength));
        BodyLength += data.Length;
    }

    /// <summary>Records how the call ended (under the connection lock). Checks that an OK response carried exactly one uncompressed message.</summary>
    public void SetOutcome(int grpcStatus, string? message)
    {
        State = Http2CallState.Done;
        GrpcStatus = grpcStatus;
        GrpcMessage = message;
        if (grpcStatus == 0 && HttpStatus == 200)
        {
            if (BodyLength < 5)
            {
                GrpcStatus = 13;
                GrpcMessage = "no response message";
            }
            else if (_body[0] != 0)
            {
                GrpcStatus = 13;
                GrpcMessage = "compressed response message (no encoding was offered)";
            }
            else if (BinaryPrimitives.ReadUInt32BigEndian(_body.AsSpan(1)) != (uint)(BodyLength - 5))
            {
                GrpcStatus = 13;
                GrpcMessage = "the response is not exactly one message";
            }
        }
    }

    /// <summary>Completes the awaiting caller (outside any lock: its continuation runs here).</summary>
    public void Signal() => _core.SetResult(new GrpcResponse(this, _core.Version));

    /// <summary>Completes at once with a local failure (no connection involved).</summary>
    public void Fail(int grpcStatus, string message)
    {
        SetOutcome(grpcStatus, message);
        Signal();
    }

    public void Release(short version)
    {
        if (_released || version != _core.Version)
        {
            return;
        }

        _released = true;
        Registration.Dispose();
        Registration = default;
        Message = default;
        Connection = null;
        if (_body.Length > 64 * 1024)
        {
            _body = new byte[256]; // do not keep a large response alive in the pool
        }

        _owner.Return(this);
    }

    public GrpcResponse GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
