using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace Biometrics.LoadTest.Http2;

/// <summary>
/// One client HTTP/2 connection (RFC 9113) carrying unary gRPC calls: h2c with prior knowledge or TLS with ALPN
/// "h2". Callers append frames to a shared output buffer under one lock; a single flush work item writes everything
/// that piled up in one socket write, so many concurrent calls cost few system calls. One read loop parses the
/// frames, decodes header blocks (HPACK) and completes calls, whose continuations run on the read loop.
/// Thread-safe: <see cref="Start"/>, <see cref="Cancel"/> and <see cref="ExpireDeadlines"/> may be called from any thread.
/// </summary>
internal sealed partial class Http2Connection : IThreadPoolWorkItem
{
    /// <summary>The stream window advertised in SETTINGS_INITIAL_WINDOW_SIZE, and the connection window set at start-up.</summary>
    public const int ReceiveWindow = 16 * 1024 * 1024;

    private const int DefaultWindow = 65_535;
    private const int MaxStreamId = int.MaxValue;
    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    private readonly Stream _transport;
    private readonly object _sync = new();
    private readonly Dictionary<int, Http2Call> _streams = [];
    private readonly Queue<Http2Call> _waiting = new();
    private readonly List<Http2Call> _blocked = [];
    private List<Http2Call> _toSignal = []; // finished under _sync, signalled once it is released
    private readonly List<Http2Call> _expired = []; // scratch of ExpireDeadlines, under _sync
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _out = new byte[64 * 1024];
    private byte[] _outSpare = new byte[64 * 1024];
    private byte[] _headerScratch = new byte[1024];
    private int _outLength;
    private bool _flushScheduled;
    private int _nextStreamId = 1;
    private int _peerMaxConcurrent = int.MaxValue;
    private int _peerMaxFrame = 16_384;
    private int _peerInitialWindow = DefaultWindow;
    private long _sendWindow = DefaultWindow;
    private int _connectionReceivedUnacknowledged;
    private bool _goAway;
    private int _goAwayLastStreamId = MaxStreamId;
    private volatile bool _closed;
    private bool _closeAfterFlush;

    [ThreadStatic]
    private static List<Http2Call>? t_spare;

    private Http2Connection(Stream transport, string authority)
    {
        _transport = transport;
        Authority = authority;
    }

    /// <summary>The runtime's switch that runs socket completions on the sockets' event threads (Linux, read once, at the first socket).</summary>
    public const string InlineSocketCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Asks the runtime to run socket completions on its event threads instead of handing each to the thread pool, unless
    /// the environment says otherwise: a read of a connection, the frames in it and the calls they complete then cost no
    /// thread wake-up of their own (docs/LOADTEST.md, "HTTP/2 client"). Nothing that runs there may block: the read
    /// loop's continuations do not. Call it before the process makes its first socket.
    /// </summary>
    public static void PreferInlineSocketCompletions()
    {
        if (Environment.GetEnvironmentVariable(InlineSocketCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineSocketCompletionsVariable, "1");
        }
    }

    /// <summary>host:port as sent in <c>:authority</c>.</summary>
    public string Authority { get; }

    /// <summary>Whether new calls may start here: open, no GOAWAY received, stream ids left.</summary>
    public bool IsUsable => !_closed && !Volatile.Read(ref _goAway);

    /// <summary>Whether the connection is closed (failed, or drained after GOAWAY).</summary>
    public bool IsClosed => _closed;

    /// <summary>Why the connection closed, when it did.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>Opens a connection to <paramref name="address"/> and completes the SETTINGS exchange (the peer's SETTINGS received).</summary>
    public static async Task<Http2Connection> ConnectAsync(Uri address, Func<SslClientAuthenticationOptions>? tls, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream stream;
        try
        {
            await socket.ConnectAsync(new DnsEndPoint(address.Host, address.Port), cts.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        try
        {
            if (tls is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(tls(), cts.Token).ConfigureAwait(false);
                if (ssl.NegotiatedApplicationProtocol != SslApplicationProtocol.Http2)
                {
                    throw new IOException($"the server at {address.Authority} did not negotiate h2 via ALPN");
                }
            }

            var connection = new Http2Connection(stream, address.Authority);
            connection.Begin();
            await connection._ready.Task.WaitAsync(cts.Token).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts <paramref name="call"/>: opens its stream now, or queues it until a stream slot is free
    /// (SETTINGS_MAX_CONCURRENT_STREAMS). A call that cannot start (connection closed or going away, deadline
    /// passed) completes at once.
    /// </summary>
    public void Start(Http2Call call)
    {
        call.Connection = this;
        lock (_sync)
        {
            if (_closed || _goAway)
            {
                FinishLocked(call, 14, CloseReason ?? "the connection is going away");
            }
            else if (_streams.Count >= _peerMaxConcurrent || _waiting.Count > 0)
            {
                call.State = Http2CallState.Waiting;
                _waiting.Enqueue(call);
            }
            else
            {
                OpenStreamLocked(call);
            }

            if (_toSignal.Count == 0)
            {
                return;
            }
        }

        SignalCompleted();
    }

    /// <summary>Cancels <paramref name="call"/> if it is still running here (RST_STREAM CANCEL when its stream is open).</summary>
    public void Cancel(Http2Call call, int grpcStatus, string message)
    {
        lock (_sync)
        {
            if (call.Connection != this || call.State is Http2CallState.Done or Http2CallState.Idle)
            {
                return;
            }

            if (call.State == Http2CallState.Open)
            {
                WriteRstStreamLocked(call.StreamId, Http2ErrorCode.Cancel);
            }

            FinishLocked(call, grpcStatus, message);
        }

        SignalCompleted();
    }

    /// <summary>Writes one request message on a streaming call (buffered while its stream waits for a slot or for window); false once the call ended or its request side was closed.</summary>
    public bool Write(Http2Call call, short version, ReadOnlySpan<byte> message)
    {
        lock (_sync)
        {
            if (call.Connection != this || call.Version != version || call.State == Http2CallState.Done || call.RequestEnded)
            {
                return false;
            }

            call.AppendMessage(message);
            if (call.State == Http2CallState.Open)
            {
                WriteDataLocked(call);
                ScheduleFlushLocked();
            }

            return true;
        }
    }

    /// <summary>Half-closes a streaming call: END_STREAM follows the messages written so far.</summary>
    public void CompleteRequest(Http2Call call, short version)
    {
        lock (_sync)
        {
            if (call.Connection != this || call.Version != version || call.State == Http2CallState.Done || call.RequestEnded)
            {
                return;
            }

            call.RequestEnded = true;
            if (call.State == Http2CallState.Open)
            {
                WriteDataLocked(call);
                ScheduleFlushLocked();
            }
        }
    }

    /// <summary>
    /// The next response message of a streaming call (<see cref="Http2Call.Current"/>): true at once when one is
    /// here, false once the call ended with nothing left to read, else a read that completes when either happens.
    /// Credit for the stream's receive window goes back as messages are taken, so a reader that stops reading stops
    /// the server within one window.
    /// </summary>
    public ValueTask<bool> Read(Http2Call call, short version)
    {
        lock (_sync)
        {
            if (call.Connection != this || call.Version != version)
            {
                return new ValueTask<bool>(false);
            }

            var taken = call.TryTakeMessage();
            if (taken >= 0)
            {
                CreditStreamLocked(call, taken);
                return new ValueTask<bool>(true);
            }

            if (taken == -2 && call.State != Http2CallState.Done)
            {
                if (call.State == Http2CallState.Open)
                {
                    WriteRstStreamLocked(call.StreamId, Http2ErrorCode.Cancel);
                }

                FinishLocked(call, 13, "compressed response message (no encoding was offered)");
            }

            if (call.State == Http2CallState.Done)
            {
                return new ValueTask<bool>(false);
            }

            return call.WaitForRead();
        }
    }

    /// <summary>
    /// The owner lets go of a streaming call. Ended: back to the pool. Request side closed: it runs to its end (trailers,
    /// reset, deadline) and then goes back to the pool. Otherwise it is cancelled (RST_STREAM CANCEL).
    /// </summary>
    public void Dispose(Http2Call call, short version)
    {
        lock (_sync)
        {
            if (call.Version != version || call.Abandoned)
            {
                return;
            }

            call.Abandoned = true;
            if (call.ReadPending)
            {
                call.AnswerRead(false); // nobody may wait forever on a call that was let go
                _toSignal.Add(call);
            }

            if (call.State == Http2CallState.Done)
            {
                _toSignal.Add(call);
            }
            else if (!call.RequestEnded)
            {
                if (call.State == Http2CallState.Open)
                {
                    WriteRstStreamLocked(call.StreamId, Http2ErrorCode.Cancel);
                }

                FinishLocked(call, 1, "cancelled by the client");
            }
        }

        SignalCompleted();
    }

    private void CreditStreamLocked(Http2Call call, int consumed)
    {
        call.ReceivedUnacknowledged += consumed;
        if (call.ReceivedUnacknowledged >= ReceiveWindow / 2 && call.State == Http2CallState.Open)
        {
            WriteWindowUpdateLocked(call.StreamId, call.ReceivedUnacknowledged);
            call.ReceivedUnacknowledged = 0;
            ScheduleFlushLocked();
        }
    }

    /// <summary>Fails with DEADLINE_EXCEEDED every call whose deadline is before <paramref name="now"/> (stopwatch ticks).</summary>
    public void ExpireDeadlines(long now)
    {
        lock (_sync)
        {
            foreach (var call in _streams.Values)
            {
                if (call.DeadlineTimestamp != 0 && call.DeadlineTimestamp <= now)
                {
                    _expired.Add(call);
                }
            }

            foreach (var call in _waiting)
            {
                if (call.DeadlineTimestamp != 0 && call.DeadlineTimestamp <= now)
                {
                    _expired.Add(call);
                }
            }

            if (_expired.Count == 0)
            {
                return;
            }

            foreach (var call in _expired)
            {
                if (call.State == Http2CallState.Open)
                {
                    WriteRstStreamLocked(call.StreamId, Http2ErrorCode.Cancel);
                }

                FinishLocked(call, 4, "deadline exceeded");
            }

            _expired.Clear();
        }

        SignalCompleted();
    }

    /// <summary>Closes the connection: every call still here fails with UNAVAILABLE.</summary>
    public void Abort(string reason)
    {
        lock (_sync)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            CloseReason = reason;
            foreach (var call in _streams.Values)
            {
                EndLocked(call, 14, reason);
            }

            _streams.Clear();
            while (_waiting.TryDequeue(out var call))
            {
                EndLocked(call, 14, reason);
            }

            _blocked.Clear();
        }

        _ready.TrySetException(new IOException(reason));
        try
        {
            _transport.Dispose();
        }
        catch (IOException)
        {
            // Closing a broken transport may fail; it is closed either way.
        }

        SignalCompleted();
    }

    /// <summary>Sends GOAWAY(NO_ERROR) and closes, failing what is still outstanding.</summary>
    public async ValueTask CloseAsync()
    {
        if (_closed)
        {
            return;
        }

        lock (_sync)
        {
            WriteGoAwayLocked(Http2ErrorCode.NoError);
        }

        try
        {
            // Give a flush already under way a moment to write the GOAWAY too.
            for (var i = 0; i < 50 && Volatile.Read(ref _flushScheduled) && !_closed; i++)
            {
                await Task.Delay(10).ConfigureAwait(false);
            }

            await FlushOnceAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The peer may be gone already.
        }

        Abort("the client closed the connection");
    }

    private void Begin()
    {
        lock (_sync)
        {
            Preface.CopyTo(Reserve(Preface.Length));
            var settings = Reserve(Http2FrameHeader.Size + 12);
            Http2FrameHeader.Write(settings, 12, Http2FrameType.Settings, 0, 0);
            WriteSetting(settings[9..], Http2SettingId.EnablePush, 0);
            WriteSetting(settings[15..], Http2SettingId.InitialWindowSize, ReceiveWindow);
            WriteWindowUpdateLocked(0, ReceiveWindow - DefaultWindow);
            ScheduleFlushLocked();
        }

        _ = ReadLoopAsync();
    }

    private static void WriteSetting(Span<byte> destination, Http2SettingId id, uint value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)id);
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], value);
    }

    private void OpenStreamLocked(Http2Call call)
    {
        Span<byte> timeoutField = stackalloc byte[GrpcTimeout.MaxFieldSize];
        var timeoutLength = 0;
        if (call.DeadlineTimestamp != 0)
        {
            var remaining = call.DeadlineTimestamp - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                FinishLocked(call, 4, "deadline exceeded before the call was sent");
                return;
            }

            timeoutLength = GrpcTimeout.WriteField(timeoutField, remaining);
        }

        if (_nextStreamId > MaxStreamId - 2)
        {
            // Stream ids are exhausted: let the pool open a new connection (RFC 9113 section 5.1.1).
            _goAway = true;
            FinishLocked(call, 14, "stream identifiers exhausted");
            return;
        }

        var id = _nextStreamId;
        _nextStreamId += 2;
        call.StreamId = id;
        call.State = Http2CallState.Open;
        call.SendWindow = _peerInitialWindow;
        _streams.Add(id, call);

        var fixedBlock = call.Method.HeaderBlock.Span;
        var blockLength = fixedBlock.Length + timeoutLength;
        if (blockLength <= _peerMaxFrame)
        {
            var frame = Reserve(Http2FrameHeader.Size + blockLength);
            Http2FrameHeader.Write(frame, blockLength, Http2FrameType.Headers, Http2Flags.EndHeaders, id);
            fixedBlock.CopyTo(frame[Http2FrameHeader.Size..]);
            timeoutField[..timeoutLength].CopyTo(frame[(Http2FrameHeader.Size + fixedBlock.Length)..]);
        }
        else
        {
            WriteLargeHeaderBlockLocked(id, fixedBlock, timeoutField[..timeoutLength]);
        }

        WriteDataLocked(call);
        ScheduleFlushLocked();
    }

    private void WriteLargeHeaderBlockLocked(int streamId, ReadOnlySpan<byte> fixedBlock, ReadOnlySpan<byte> timeoutField)
    {
        var length = fixedBlock.Length + timeoutField.Length;
        if (_headerScratch.Length < length)
        {
            _headerScratch = new byte[length];
        }

        fixedBlock.CopyTo(_headerScratch);
        timeoutField.CopyTo(_headerScratch.AsSpan(fixedBlock.Length));

        // HEADERS then CONTINUATION frames, back to back (nothing may come between them on the connection).
        var offset = 0;
        var type = Http2FrameType.Headers;
        while (offset < length)
        {
            var n = Math.Min(_peerMaxFrame, length - offset);
            var last = offset + n == length;
            var frame = Reserve(Http2FrameHeader.Size + n);
            Http2FrameHeader.Write(frame, n, type, last ? Http2Flags.EndHeaders : (byte)0, streamId);
            _headerScratch.AsSpan(offset, n).CopyTo(frame[Http2FrameHeader.Size..]);
            offset += n;
            type = Http2FrameType.Continuation;
        }
    }

    /// <summary>
    /// Sends as much of the call's framed request bytes as the connection and stream windows allow (the rest waits for
    /// WINDOW_UPDATE), and END_STREAM once the caller has ended the request side and everything went out.
    /// </summary>
    private void WriteDataLocked(Http2Call call)
    {
        var length = call.RequestLength;
        while (call.BodySent < length || (call.RequestEnded && !call.EndStreamSent))
        {
            var n = (int)Math.Min(Math.Min(length - call.BodySent, _peerMaxFrame), Math.Min(_sendWindow, call.SendWindow));
            if (n <= 0 && call.BodySent < length)
            {
                if (!call.Blocked)
                {
                    call.Blocked = true;
                    _blocked.Add(call);
                }

                return;
            }

            n = Math.Max(n, 0); // an empty DATA frame carries a late END_STREAM
            var end = call.RequestEnded && call.BodySent + n == length;
            var frame = Reserve(Http2FrameHeader.Size + n);
            Http2FrameHeader.Write(frame, n, Http2FrameType.Data, end ? Http2Flags.EndStream : (byte)0, call.StreamId);
            call.CopyRequest(call.BodySent, frame[Http2FrameHeader.Size..]);
            call.BodySent += n;
            call.SendWindow -= n;
            _sendWindow -= n;
            call.EndStreamSent = end;
        }

        if (call.Blocked)
        {
            call.Blocked = false;
            _blocked.Remove(call);
        }
    }

    private void ResumeBlockedLocked()
    {
        for (var i = 0; i < _blocked.Count && _sendWindow > 0;)
        {
            var call = _blocked[i];
            WriteDataLocked(call);
            if (call.Blocked)
            {
                i++;
            }
        }

        ScheduleFlushLocked();
    }

    /// <summary>Ends a call (under the lock): takes it out of every structure, records the outcome, opens waiting calls, and queues the signal.</summary>
    private void FinishLocked(Http2Call call, int grpcStatus, string? message)
    {
        var wasOpen = call.State == Http2CallState.Open;
        if (wasOpen)
        {
            _streams.Remove(call.StreamId);
            if (call.Blocked)
            {
                call.Blocked = false;
                _blocked.Remove(call);
            }
        }
        else if (call.State == Http2CallState.Waiting)
        {
            RemoveWaiting(call);
        }

        EndLocked(call, grpcStatus, message);
        if (wasOpen)
        {
            StartWaitingLocked();
        }
    }

    /// <summary>
    /// Records the outcome (under the lock) and queues what has to happen outside it: a unary call's caller is
    /// signalled; a streaming call's waiting read is answered with "ended", and an abandoned one goes back to the pool.
    /// </summary>
    private void EndLocked(Http2Call call, int grpcStatus, string? message)
    {
        call.SetOutcome(grpcStatus, message);
        if (!call.Streaming)
        {
            _toSignal.Add(call);
        }
        else if (call.ReadPending)
        {
            call.AnswerRead(false);
            _toSignal.Add(call);
        }
        else if (call.Abandoned)
        {
            _toSignal.Add(call); // released outside the lock: disposing its cancellation registration may wait for a callback that takes the lock
        }
    }

    private void StartWaitingLocked()
    {
        while (_waiting.Count > 0 && !_goAway && !_closed && _streams.Count < _peerMaxConcurrent)
        {
            OpenStreamLocked(_waiting.Dequeue());
        }

        if (_goAway && _streams.Count == 0 && !_closed)
        {
            CloseReason ??= "closed after GOAWAY";
            _closeAfterFlush = true;
            ScheduleFlushLocked();
        }
    }

    private void RemoveWaiting(Http2Call call)
    {
        var n = _waiting.Count;
        for (var i = 0; i < n; i++)
        {
            var c = _waiting.Dequeue();
            if (!ReferenceEquals(c, call))
            {
                _waiting.Enqueue(c);
            }
        }
    }

    /// <summary>
    /// Signals the calls finished under the lock, outside it: their continuations run on this thread. The list is
    /// swapped with a per-thread spare, so nothing is allocated unless a continuation finishes more calls while
    /// the outer batch is being signalled.
    /// </summary>
    private void SignalCompleted()
    {
        List<Http2Call> batch;
        lock (_sync)
        {
            if (_toSignal.Count == 0)
            {
                return;
            }

            batch = _toSignal;
            _toSignal = t_spare ?? [];
            t_spare = null;
        }

        foreach (var call in batch)
        {
            call.Signal();
        }

        batch.Clear();
        t_spare = batch;
    }
}
