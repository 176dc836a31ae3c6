using System.Buffers.Binary;
using System.Threading.Tasks.Sources;

namespace Biometrics.LoadTest.Http2;

/// <summary>
/// The state of one call on one stream, pooled by <see cref="Http2GrpcClient"/>: a unary call (one request message,
/// END_STREAM at once, one response message) or a streaming call (request messages written while the stream is open,
/// END_STREAM when the caller half-closes, response messages read one by one). Request side: the framed messages not
/// yet sent (5-byte prefix + message each; a unary call's message is sent from the caller's bytes, not copied), the
/// send progress and windows. Response side: statuses and the received bytes. Its fields change only under its
/// connection's lock until it is completed; a unary call is then read-only
/// until <see cref="Release"/> returns it to the pool. It is the <see cref="IValueTaskSource{TResult}"/> behind a unary
/// call's <see cref="ValueTask{TResult}"/> and behind a streaming call's reads.
/// Thread-safety: not thread-safe by itself; its connection's lock and the complete-then-release order make it safe.
/// </summary>
internal sealed class Http2Call : IValueTaskSource<GrpcResponse>, IValueTaskSource<bool>
{
    private readonly Http2GrpcClient _owner;
    private ManualResetValueTaskSourceCore<GrpcResponse> _core; // continuations run inline, on the completing thread
    private ManualResetValueTaskSourceCore<bool> _read; // a streaming call's pending read, likewise
    private byte[] _body = new byte[256];
    private byte[] _request = new byte[256];
    private ReadOnlyMemory<byte> _message; // a unary call's message, the caller's bytes after the prefix in _request
    private bool _released = true;
    private bool _readResult;
    private bool _readAnswered;

    public Http2Call(Http2GrpcClient owner) => _owner = owner;

    // Request side.
    public Http2Connection? Connection { get; set; }

    public GrpcMethod Method { get; private set; } = null!;

    /// <summary>Whether request messages are written while the stream is open (<see cref="GrpcStream"/>).</summary>
    public bool Streaming { get; private set; }

    /// <summary>Stopwatch timestamp of the deadline; 0 when there is none.</summary>
    public long DeadlineTimestamp { get; private set; }

    public CancellationTokenRegistration Registration { get; set; }

    public int StreamId { get; set; }

    /// <summary>Framed request bytes (prefix + message, each) to send, sent or not (<see cref="CopyRequest"/>).</summary>
    public int RequestLength { get; private set; }

    /// <summary>Request bytes sent so far.</summary>
    public int BodySent { get; set; }

    /// <summary>The caller has no more messages: END_STREAM goes with (or after) the last byte.</summary>
    public bool RequestEnded { get; set; }

    /// <summary>END_STREAM has been written.</summary>
    public bool EndStreamSent { get; set; }

    public long SendWindow { get; set; }

    public int ReceivedUnacknowledged { get; set; }

    public bool Blocked { get; set; }

    public Http2CallState State { get; set; }

    /// <summary>A streaming call whose owner let go of it: the connection returns it to the pool when it ends.</summary>
    public bool Abandoned { get; set; }

    /// <summary>A streaming call's reader waits for the next message or the end.</summary>
    public bool ReadPending { get; set; }

    // Response side.
    public int HttpStatus { get; set; }

    public int GrpcStatus { get; set; }

    public string? GrpcMessage { get; set; }

    public int HeaderBlocks { get; set; }

    public int BodyLength { get; private set; }

    /// <summary>Start of the first response message a streaming reader has not taken yet.</summary>
    public int ReadOffset { get; private set; }

    /// <summary>The message the streaming reader took last (valid until its next read).</summary>
    public ReadOnlyMemory<byte> Current { get; private set; }

    public short Version => _core.Version;

    public short ReadVersion => _read.Version;

    /// <summary>The response message without its prefix (validated when the call completed).</summary>
    public ReadOnlyMemory<byte> Payload => BodyLength >= 5 ? _body.AsMemory(5, BodyLength - 5) : ReadOnlyMemory<byte>.Empty;

    /// <summary>
    /// Readies a unary call: its one message goes out from <paramref name="message"/>, which must not change until the
    /// call has completed (only the 5-byte prefix is written here), and END_STREAM goes with it.
    /// </summary>
    public void Prepare(GrpcMethod method, ReadOnlyMemory<byte> message, long deadlineTimestamp)
    {
        Reset(method, deadlineTimestamp, streaming: false);
        _request[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(_request.AsSpan(1), (uint)message.Length);
        _message = message;
        RequestLength = 5 + message.Length;
        RequestEnded = true;
    }

    /// <summary>Copies the request bytes from <paramref name="offset"/> on into <paramref name="destination"/> (its length of them).</summary>
    public void CopyRequest(int offset, Span<byte> destination)
    {
        var message = _message.Span; // empty for a streaming call: everything is in _request
        var own = RequestLength - message.Length;
        if (offset < own)
        {
            var n = Math.Min(own - offset, destination.Length);
            _request.AsSpan(offset, n).CopyTo(destination);
            if (n == destination.Length)
            {
                return;
            }

            offset += n;
            destination = destination[n..];
        }

        message.Slice(offset - own, destination.Length).CopyTo(destination);
    }

    /// <summary>Readies a streaming call: messages follow with <see cref="AppendMessage"/>.</summary>
    public void PrepareStream(GrpcMethod method, long deadlineTimestamp) => Reset(method, deadlineTimestamp, streaming: true);

    /// <summary>Appends one framed request message (5-byte prefix: not compressed, big-endian length).</summary>
    public void AppendMessage(ReadOnlySpan<byte> message)
    {
        if (BodySent == RequestLength)
        {
            BodySent = RequestLength = 0; // everything before was sent: start over at the front
        }

        var needed = RequestLength + 5 + message.Length;
        if (needed > _request.Length)
        {
            Array.Resize(ref _request, Math.Max(needed, _request.Length * 2));
        }

        var span = _request.AsSpan(RequestLength);
        span[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)message.Length);
        message.CopyTo(span[5..]);
        RequestLength = needed;
    }

    public void AppendBody(ReadOnlySpan<byte> data)
    {
        if (BodyLength + data.Length > _body.Length)
        {
            if (ReadOffset > 0 && Current.IsEmpty)
            {
                // A streaming reader took everything before ReadOffset: move the rest to the front.
                _body.AsSpan(ReadOffset, BodyLength - ReadOffset).CopyTo(_body);
                BodyLength -= ReadOffset;
                ReadOffset = 0;
            }

            if (BodyLength + data.Length > _body.Length)
            {
                // A new array: the old one stays valid for the message the reader holds (Current).
                var bigger = new byte[Math.Max(BodyLength + data.Length, _body.Length * 2)];
                _body.AsSpan(0, BodyLength).CopyTo(bigger);
                _body = bigger;
            }
        }

        data.CopyTo(_body.AsSpan(BodyLength));
        BodyLength += data.Length;
    }

    /// <summary>Bytes received and not yet taken by a streaming reader.</summary>
    public int Unread => BodyLength - ReadOffset;

    /// <summary>
    /// A streaming reader takes the next complete response message (under the connection lock): -1 when none is
    /// complete yet, -2 when it is compressed (no encoding was offered), else the framed bytes it released (for the
    /// stream's flow-control credit). The message taken before is released first.
    /// </summary>
    public int TryTakeMessage()
    {
        Current = default;
        if (ReadOffset == BodyLength)
        {
            ReadOffset = BodyLength = 0;
        }

        if (BodyLength - ReadOffset < 5)
        {
            return -1;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(_body.AsSpan(ReadOffset + 1));
        if (length > (uint)(BodyLength - ReadOffset - 5))
        {
            return -1;
        }

        if (_body[ReadOffset] != 0)
        {
            return -2;
        }

        Current = _body.AsMemory(ReadOffset + 5, (int)length);
        ReadOffset += 5 + (int)length;
        return 5 + (int)length;
    }

    /// <summary>Records how the call ended (under the connection lock). Checks that an OK response carried whole, uncompressed messages (exactly one for a unary call).</summary>
    public void SetOutcome(int grpcStatus, string? message)
    {
        State = Http2CallState.Done;
        GrpcStatus = grpcStatus;
        GrpcMessage = message;
        if (grpcStatus != 0 || HttpStatus != 200)
        {
            return;
        }

        if (Streaming)
        {
            if (Unread is > 0 and < 5 || (Unread >= 5 && BinaryPrimitives.ReadUInt32BigEndian(_body.AsSpan(ReadOffset + 1)) > (uint)(Unread - 5)))
            {
                GrpcStatus = 13;
                GrpcMessage = "the response ended inside a message";
            }
        }
        else if (BodyLength < 5)
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

    /// <summary>
    /// Completes the awaiting caller (outside any lock: its continuation runs here): a unary call's result, a
    /// streaming call's answered read (true: a message was taken; false: the call ended), or else an abandoned
    /// streaming call that ended goes back to the pool.
    /// </summary>
    public void Signal()
    {
        if (!Streaming)
        {
            _core.SetResult(new GrpcResponse(this, _core.Version));
        }
        else if (_readAnswered)
        {
            _readAnswered = false;
            _read.SetResult(_readResult);
        }
        else if (Abandoned)
        {
            Release(_core.Version);
        }
    }

    /// <summary>Under the lock: a streaming read that waited is answered (true: a message was taken; false: the call ended); the caller queues the signal.</summary>
    public void AnswerRead(bool tookMessage)
    {
        ReadPending = false;
        _readResult = tookMessage;
        _readAnswered = true;
    }

    /// <summary>Under the lock: a streaming read that has to wait.</summary>
    public ValueTask<bool> WaitForRead()
    {
        _read.Reset();
        ReadPending = true;
        return new ValueTask<bool>(this, _read.Version);
    }

    /// <summary>Completes at once with a local failure (no connection involved).</summary>
    public void Fail(int grpcStatus, string message)
    {
        SetOutcome(grpcStatus, message);
        if (!Streaming)
        {
            Signal();
        }
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
        Connection = null;
        Current = default;
        _message = default;
        if (_body.Length > 64 * 1024)
        {
            _body = new byte[256]; // do not keep a large response alive in the pool
        }

        if (_request.Length > 64 * 1024)
        {
            _request = new byte[256];
        }

        _owner.Return(this);
    }

    public GrpcResponse GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    bool IValueTaskSource<bool>.GetResult(short token) => _read.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _read.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _read.OnCompleted(continuation, state, token, flags);

    private void Reset(GrpcMethod method, long deadlineTimestamp, bool streaming)
    {
        _core.Reset();
        _released = false;
        Method = method;
        Streaming = streaming;
        DeadlineTimestamp = deadlineTimestamp;
        Connection = null;
        Registration = default;
        StreamId = 0;
        RequestLength = 0;
        _message = default;
        BodySent = 0;
        RequestEnded = false;
        EndStreamSent = false;
        SendWindow = 0;
        ReceivedUnacknowledged = 0;
        Blocked = false;
        Abandoned = false;
        ReadPending = false;
        _readResult = false;
        _readAnswered = false;
        State = Http2CallState.Idle;
        HttpStatus = 0;
        GrpcStatus = -1;
        GrpcMessage = null;
        HeaderBlocks = 0;
        BodyLength = 0;
        ReadOffset = 0;
        Current = default;
    }
}
