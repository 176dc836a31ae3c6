using System.Collections.Concurrent;
using System.Net.Sockets;
using Biometrics.Redis.Protocol;
using Microsoft.Extensions.Logging;

namespace Biometrics.Redis.Connection;

/// <summary>
/// One TCP (or TLS) connection shared by any number of concurrent callers. Callers append their command to a
/// pooled buffer under a short lock and enqueue a <see cref="PendingCommand"/> in the same order; a single
/// writer loop flushes whatever accumulated in one write; a single reader loop parses replies and completes
/// pending commands first-in first-out (Redis answers in order). When the socket fails, every pending command
/// fails with <see cref="RedisConnectionException"/>, new commands fail fast, and a background loop reconnects
/// with exponential backoff. Thread-safe.
/// </summary>
internal sealed partial class PhysicalConnection : IAsyncDisposable
{
    private const int StateConnecting = 0, StateConnected = 1, StateReconnecting = 2, StateDisposed = 3;

    private readonly RedisOptions _options;
    private readonly ILogger _logger;
    private readonly CommandPool _pool;
    private readonly ConcurrentQueue<PendingCommand> _inflight = new();
    private readonly Lock _writeLock = new();
    private readonly AsyncAutoResetSignal _signal = new();
    private readonly CancellationTokenSource _disposeCts = new();
    private readonly Timer _sweepTimer;
    private readonly long _defaultTimeoutMs;
    private PooledBufferWriter _front = new();
    private PooledBufferWriter _back = new();
    private Session? _session;
    private int _state = StateConnecting;
    private Exception? _lastError;
    private int _sweepTicks;
    private Task _reconnectTask = Task.CompletedTask;

    public PhysicalConnection(RedisOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _pool = new CommandPool(options.RunContinuationsAsynchronously);
        _defaultTimeoutMs = (long)options.CommandTimeout.TotalMilliseconds;
        _sweepTimer = new Timer(static s => ((PhysicalConnection)s!).SweepTimeouts(), this, 100, 100);
    }

    public string EndPoint => $"{_options.Host}:{_options.Port}";

    public bool IsConnected => Volatile.Read(ref _state) == StateConnected;

    /// <summary>Number of commands written or buffered whose reply has not arrived.</summary>
    public int PendingCount => _inflight.Count;

    /// <summary>First connect. Throws <see cref="RedisConnectionException"/> if it fails and <see cref="RedisOptions.AbortOnConnectFail"/> is set.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            var session = await OpenSessionAsync(cancellationToken).ConfigureAwait(false);
            Activate(session);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _lastError = ex;
            if (_options.AbortOnConnectFail)
            {
                Volatile.Write(ref _state, StateDisposed);
                await DisposeAsync().ConfigureAwait(false);
                throw ex as RedisConnectionException ?? new RedisConnectionException($"Could not connect to Redis at {EndPoint}: {ex.Message}", ex);
            }

            Volatile.Write(ref _state, StateReconnecting);
            _reconnectTask = ReconnectLoopAsync();
        }
    }

    /// <summary>
    /// Writes one command (first part = command name) and returns its reply. Never blocks on the network:
    /// the command is buffered and the writer loop is signalled.
    /// </summary>
    public ValueTask<RespReply> SendAsync(scoped ReadOnlySpan<RedisValue> parts, long timeoutMilliseconds = 0, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<RespReply>(cancellationToken);
        }

        var op = _pool.Rent();
        op.Prepare(parts[0], timeoutMilliseconds > 0 ? timeoutMilliseconds : _defaultTimeoutMs);
        op.RegisterCancellation(cancellationToken);
        lock (_writeLock)
        {
            if (_state != StateConnected)
            {
                op.TryFail(NotConnected());
                return new ValueTask<RespReply>(op, op.Version);
            }

            RespWriter.WriteCommand(_front, parts);
            _inflight.Enqueue(op);
        }

        _signal.Set();
        return new ValueTask<RespReply>(op, op.Version);
    }

    private RedisConnectionException NotConnected()
    {
        var state = Volatile.Read(ref _state);
        if (state == StateDisposed)
        {
            return new RedisConnectionException($"The connection to Redis at {EndPoint} has been disposed.");
        }

        var last = _lastError;
        return new RedisConnectionException(
            $"No connection to Redis at {EndPoint} (reconnecting in the background){(last is null ? "." : ": " + last.Message)}", last);
    }

    private void Activate(Session session)
    {
        lock (_writeLock)
        {
            if (_state == StateDisposed)
            {
                session.Dispose();
                return;
            }

            _front.Reset();
            _session = session;
            _state = StateConnected;
        }

        session.WriterTask = WriteLoopAsync(session);
        session.ReaderTask = ReadLoopAsync(session);
    }

    private async Task WriteLoopAsync(Session session)
    {
        try
        {
            while (true)
            {
                await _signal.WaitAsync().ConfigureAwait(false);
                if (session.IsClosed) return;
                PooledBufferWriter batch;
                lock (_writeLock)
                {
                    if (_front.WrittenCount == 0) continue;
                    batch = _front;
                    _front = _back;
                    _back = batch;
                }

                try
                {
                    await session.Stream.WriteAsync(batch.WrittenMemory).ConfigureAwait(false);
                }
                finally
                {
                    batch.Reset();
                }
            }
        }
        catch (Exception ex)
        {
            _lastError = ex;
            session.Dispose();
        }
    }

    private async Task ReadLoopAsync(Session session)
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await session.Reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumed = ProcessReplies(buffer);
                session.Reader.AdvanceTo(consumed, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    error = new IOException("the server closed the connection");
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }

        await OnSessionEndedAsync(session, error).ConfigureAwait(false);
    }

    private SequencePosition ProcessReplies(in System.Buffers.ReadOnlySequence<byte> buffer)
    {
        var reader = new System.Buffers.SequenceReader<byte>(buffer);
        while (true)
        {
            var probe = reader;
            if (!RespParser.TrySkip(ref probe))
            {
                return reader.Position;
            }

            var reply = RespParser.ParseReply(ref reader);
            if (reply.Kind == RespReplyKind.Push)
            {
                continue;
            }

            if (!_inflight.TryDequeue(out var op))
            {
                reply.Release();
                throw new RedisProtocolException("Received a reply with no command waiting for it.");
            }

            op.TrySetReply(reply);
        }
    }

    private async Task OnSessionEndedAsync(Session session, Exception? error)
    {
        bool disposed;
        lock (_writeLock)
        {
            disposed = _state == StateDisposed;
            if (!disposed) _state = StateReconnecting;
            _session = null;
            _front.Reset();
            if (error is not null && !disposed) _lastError = error;
        }

        session.Dispose();
        _signal.Set();
        try { await session.WriterTask.ConfigureAwait(false); } catch { /* already recorded */ }
        try { await session.Reader.CompleteAsync().ConfigureAwait(false); } catch { /* socket gone */ }

        var failure = disposed
            ? new RedisConnectionException($"The connection to Redis at {EndPoint} was disposed before the reply arrived.")
            : new RedisConnectionException($"Lost the connection to Redis at {EndPoint}: {error?.Message ?? "closed"}. The command may or may not have run; reconnecting.", error);
        var failed = 0;
        while (_inflight.TryDequeue(out var op))
        {
            if (op.TryFail(failure)) failed++;
        }

        if (!disposed)
        {
            LogConnectionLost(_logger, EndPoint, failed, error);
            _reconnectTask = ReconnectLoopAsync();
        }
    }

    private async Task ReconnectLoopAsync()
    {
        var attempt = 0;
        var token = _disposeCts.Token;
        while (!token.IsCancellationRequested)
        {
            var delay = Backoff(attempt++);
            try
            {
                await Task.Delay(delay, token).ConfigureAwait(false);
                var session = await OpenSessionAsync(token).ConfigureAwait(false);
                Activate(session);
                LogReconnected(_logger, EndPoint, attempt);
                return;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _lastError = ex;
                LogReconnectFailed(_logger, EndPoint, attempt, ex.Message);
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var min = _options.ReconnectMinDelay.TotalMilliseconds;
        var max = _options.ReconnectMaxDelay.TotalMilliseconds;
        var ms = Math.Min(max, min * Math.Pow(2, Math.Min(attempt, 20)));
        return TimeSpan.FromMilliseconds(ms * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }

    private void SweepTimeouts()
    {
        if (_inflight.IsEmpty) return;
        var now = Environment.TickCount64;
        // The oldest command is at the head; scan the whole queue only when it expired, or once a second
        // (commands with a shorter timeout may sit behind a long blocking one).
        if (_inflight.TryPeek(out var head) && head.Deadline > now && (++_sweepTicks % 10) != 0)
        {
            return;
        }

        foreach (var op in _inflight)
        {
            if (!op.IsCompleted && op.Deadline <= now)
            {
                op.TryFail(new RedisTimeoutException(
                    $"No reply to {op.Name} from Redis at {EndPoint} within {op.TimeoutMilliseconds} ms ({_inflight.Count} commands in flight)."));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Session? session;
        lock (_writeLock)
        {
            _state = StateDisposed;
            session = _session;
        }

        if (!_disposeCts.IsCancellationRequested) _disposeCts.Cancel();
        await _sweepTimer.DisposeAsync().ConfigureAwait(false);
        if (session is not null)
        {
            session.Dispose();
            try { await session.ReaderTask.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); } catch { /* best effort */ }
        }

        try { await _reconnectTask.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); } catch { /* best effort */ }
        var failure = new RedisConnectionException($"The connection to Redis at {EndPoint} was disposed.");
        while (_inflight.TryDequeue(out var op)) op.TryFail(failure);
    }
}
