using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Security;
using System.Runtime.CompilerServices;
using Biometrics.LoadTest.Targets;
using Google.Protobuf;

namespace Biometrics.LoadTest.Http2;

/// <summary>
/// A lean gRPC client (unary and streaming calls) over our own HTTP/2 connections (RFC 9113, HPACK RFC 7541, gRPC PROTOCOL-HTTP2), for the
/// load generator: a pool of <see cref="ConnectionOptions.Connections"/> connections with calls spread round-robin,
/// request headers encoded once per method, per-call state pooled, and no allocation per call on the hot path. A
/// connection that fails or receives GOAWAY is replaced on demand (at most one attempt per slot every 200 ms);
/// calls that cannot be sent, or whose connection is lost, end with UNAVAILABLE; calls past their deadline end with
/// DEADLINE_EXCEEDED (checked every 10 ms). Thread-safe.
/// </summary>
public sealed class Http2GrpcClient : IAsyncDisposable
{
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(10);
    private const uint CallsPerConnectionRun = 16;
    private static readonly long s_retryDelay = Stopwatch.Frequency / 5;

    private readonly ConnectionOptions _options;
    private readonly Func<SslClientAuthenticationOptions>? _tls;
    private readonly Http2Connection?[] _connections;
    private readonly Task<Http2Connection?>?[] _connecting;
    private readonly long[] _retryAfter;
    private readonly string?[] _lastError;
    private readonly List<Http2Connection> _live = [];
    private readonly object _slotLock = new();
    private readonly Stack<Http2Call> _pool = new();
    private readonly ConcurrentDictionary<string, GrpcMethod> _methods = new(StringComparer.Ordinal);
    private Timer? _deadlineTimer;
    private int _next;
    private volatile bool _disposed;

    /// <summary>A client for the server described by <paramref name="options"/>; connections open on <see cref="ConnectAsync"/> or the first call.</summary>
    public Http2GrpcClient(ConnectionOptions options)
    {
        _options = options;
        _tls = Http2Tls.For(options);
        var n = Math.Max(1, options.Connections);
        _connections = new Http2Connection?[n];
        _connecting = new Task<Http2Connection?>?[n];
        _retryAfter = new long[n];
        _lastError = new string?[n];
        Authority = options.Address.IsDefaultPort ? options.Address.Host : options.Address.Authority;
    }

    /// <summary>The <c>:authority</c> sent with every call.</summary>
    public string Authority { get; }

    /// <summary>Connections currently usable (open, no GOAWAY).</summary>
    public int UsableConnections => _connections.Count(c => c is { IsUsable: true });

    /// <summary>Connections opened so far (replacements included); for tests and diagnostics.</summary>
    public int ConnectionsOpened { get; private set; }

    /// <summary>The method <paramref name="path"/> (<c>/package.Service/Method</c>) with its request headers encoded once.</summary>
    public GrpcMethod Method(string path)
        => _methods.GetOrAdd(path, static (p, c) => GrpcMethod.Create(p, c.Authority, c._tls is not null, c._options.BearerToken), this);

    /// <summary>
    /// <paramref name="method"/>, a descriptor of generated service code (<see cref="Targets.GeneratedMethods"/>), with its
    /// request headers encoded once: only its path (<see cref="Grpc.Core.IMethod.FullName"/>) is used; messages stay bytes.
    /// </summary>
    public GrpcMethod Method(Grpc.Core.IMethod method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return Method(method.FullName);
    }

    /// <summary>Opens every connection of the pool; returns how many are usable (failures are retried by later calls).</summary>
    public async Task<int> ConnectAsync(CancellationToken cancellationToken = default)
    {
        var tasks = new Task<Http2Connection?>[_connections.Length];
        lock (_slotLock)
        {
            for (var i = 0; i < tasks.Length; i++)
            {
                tasks[i] = EnsureConnectingLocked(i, ignoreBackoff: true) ?? Task.FromResult<Http2Connection?>(null);
            }
        }

        await Task.WhenAll(tasks).WaitAsync(cancellationToken).ConfigureAwait(false);
        return UsableConnections;
    }

    /// <summary>
    /// Calls a unary method: sends <paramref name="message"/> (protobuf bytes; the 5-byte gRPC prefix is added
    /// here; they are sent from where they are, so they must not change until the call has completed) and returns the outcome with the response message. Dispose the response when done with it. Never throws for call failures: they are statuses.
    /// </summary>
    public ValueTask<GrpcResponse> UnaryAsync(GrpcMethod method, ReadOnlyMemory<byte> message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var call = Rent();
        var deadline = timeout is { } t ? Stopwatch.GetTimestamp() + Math.Max(1, (long)(t.TotalSeconds * Stopwatch.Frequency)) : 0;
        call.Prepare(method, message, deadline);
        if (cancellationToken.IsCancellationRequested || _disposed)
        {
            call.Fail(_disposed ? 14 : 1, _disposed ? "the client is disposed" : "cancelled");
            return new ValueTask<GrpcResponse>(call, call.Version);
        }

        var connection = PickConnection();
        if (connection is null)
        {
            return ConnectThenStartAsync(call, cancellationToken);
        }

        StartOn(connection, call, cancellationToken);
        return new ValueTask<GrpcResponse>(call, call.Version);
    }

    /// <summary>
    /// Opens a streaming call (client, server or bidirectional streaming: HTTP/2 does not tell them apart) on a stream of
    /// one of the pool's connections: request messages are written while responses are read
    /// (<see cref="GrpcStream"/>); <paramref name="timeout"/> is sent as <c>grpc-timeout</c> and enforced here
    /// (DEADLINE_EXCEEDED, RST_STREAM CANCEL). Completes once the call is on a connection (at once when one is open),
    /// or has failed (then its reads end at once with the status, UNAVAILABLE when no connection could be made).
    /// Dispose the stream when done with it.
    /// </summary>
    public ValueTask<GrpcStream> OpenStreamAsync(GrpcMethod method, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var call = Rent();
        call.PrepareStream(method, timeout is { } t ? Stopwatch.GetTimestamp() + Math.Max(1, (long)(t.TotalSeconds * Stopwatch.Frequency)) : 0);
        if (cancellationToken.IsCancellationRequested || _disposed)
        {
            call.Fail(_disposed ? 14 : 1, _disposed ? "the client is disposed" : "cancelled");
            return new ValueTask<GrpcStream>(new GrpcStream(call, call.Version));
        }

        var connection = PickConnection();
        if (connection is null)
        {
            return ConnectThenOpenAsync(call, cancellationToken);
        }

        StartOn(connection, call, cancellationToken);
        return new ValueTask<GrpcStream>(new GrpcStream(call, call.Version));
    }

    /// <summary><see cref="UnaryAsync(GrpcMethod, ReadOnlyMemory{byte}, TimeSpan?, CancellationToken)"/> by path.</summary>
    public ValueTask<GrpcResponse> UnaryAsync(string path, ReadOnlyMemory<byte> message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => UnaryAsync(Method(path), message, timeout, cancellationToken);

    /// <summary>A typed unary call: sends pre-serialised <paramref name="request"/> bytes and parses the response with <paramref name="parser"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<GrpcResult<T>> UnaryAsync<T>(GrpcMethod method, ReadOnlyMemory<byte> request, MessageParser<T> parser, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where T : class, IMessage<T>
    {
        using var response = await UnaryAsync(method, request, timeout, cancellationToken).ConfigureAwait(false);
        if (!response.IsOk)
        {
            return new GrpcResult<T>(response.Label, response.HttpStatus, response.Status, response.Message, null);
        }

        try
        {
            return new GrpcResult<T>("OK", 200, 0, null, parser.ParseFrom(response.Payload.Span));
        }
        catch (InvalidProtocolBufferException e)
        {
            return new GrpcResult<T>("INTERNAL", 200, 13, "unparsable response: " + e.Message, null);
        }
    }

    /// <summary>A typed unary call that serialises <paramref name="request"/> first (one allocation; pre-serialise on hot paths).</summary>
    public ValueTask<GrpcResult<T>> UnaryAsync<T>(GrpcMethod method, IMessage request, MessageParser<T> parser, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where T : class, IMessage<T>
        => UnaryAsync(method, request.ToByteArray(), parser, timeout, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        Http2Connection[] live;
        lock (_slotLock)
        {
            live = [.. _live];
            _deadlineTimer?.Dispose();
        }

        foreach (var connection in live)
        {
            try
            {
                // A peer that stopped reading could hold the GOAWAY write forever: give up after a while.
                await connection.CloseAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                connection.Abort("the client closed the connection");
            }
        }
    }

    internal void Return(Http2Call call)
    {
        lock (_pool)
        {
            if (_pool.Count < 65_536)
            {
                _pool.Push(call);
            }
        }
    }

    private Http2Call Rent()
    {
        lock (_pool)
        {
            if (_pool.TryPop(out var call))
            {
                return call;
            }
        }

        return new Http2Call(this);
    }

    private void StartOn(Http2Connection connection, Http2Call call, CancellationToken cancellationToken)
    {
        if (call.DeadlineTimestamp != 0 && _deadlineTimer is null)
        {
            StartDeadlineTimer();
        }

        connection.Start(call);
        if (cancellationToken.CanBeCanceled)
        {
            call.Registration = cancellationToken.UnsafeRegister(static s =>
            {
                var c = (Http2Call)s!;
                c.Connection?.Cancel(c, 1, "cancelled");
            }, call);
        }
    }

    private Http2Connection? PickConnection()
    {
        // Runs of consecutive calls share a connection, so a batch started together goes out in one write.
        var n = _connections.Length;
        var first = (int)(((uint)Interlocked.Increment(ref _next) / CallsPerConnectionRun) % (uint)n);
        for (var k = 0; k < n; k++)
        {
            var c = Volatile.Read(ref _connections[(first + k) % n]);
            if (c is { IsUsable: true })
            {
                if (k > 0)
                {
                    // Slot 'first' is down: reopen it in the background while its neighbours carry the calls.
                    lock (_slotLock)
                    {
                        EnsureConnectingLocked(first, ignoreBackoff: false);
                    }
                }

                return c;
            }
        }

        return null;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<GrpcResponse> ConnectThenStartAsync(Http2Call call, CancellationToken cancellationToken)
    {
        var (connection, error) = await ConnectSomeSlotAsync().ConfigureAwait(false);
        if (connection is null)
        {
            call.Fail(14, error);
        }
        else
        {
            StartOn(connection, call, cancellationToken);
        }

        return await new ValueTask<GrpcResponse>(call, call.Version).ConfigureAwait(false);
    }

    private async ValueTask<GrpcStream> ConnectThenOpenAsync(Http2Call call, CancellationToken cancellationToken)
    {
        var (connection, error) = await ConnectSomeSlotAsync().ConfigureAwait(false);
        if (connection is null)
        {
            call.Fail(14, error);
        }
        else
        {
            StartOn(connection, call, cancellationToken);
        }

        return new GrpcStream(call, call.Version);
    }

    private async ValueTask<(Http2Connection? Connection, string Error)> ConnectSomeSlotAsync()
    {
        var slot = (int)(((uint)Volatile.Read(ref _next) / CallsPerConnectionRun) % (uint)_connections.Length);
        Task<Http2Connection?>? connecting;
        lock (_slotLock)
        {
            connecting = EnsureConnectingLocked(slot, ignoreBackoff: false);
        }

        var connection = connecting is null ? null : await connecting.ConfigureAwait(false);
        return connection is { IsUsable: true }
            ? (connection, string.Empty)
            : (null, "not connected to " + Authority + ": " + (_lastError[slot] ?? "connection closed"));
    }

    /// <summary>The slot's connection attempt in progress, a new one, or null while the slot backs off after a failure.</summary>
    private Task<Http2Connection?>? EnsureConnectingLocked(int slot, bool ignoreBackoff)
    {
        if (_disposed)
        {
            return null;
        }

        if (_connecting[slot] is { IsCompleted: false } pending)
        {
            return pending;
        }

        if (_connections[slot] is { IsUsable: true } current)
        {
            return Task.FromResult<Http2Connection?>(current);
        }

        if (!ignoreBackoff && Stopwatch.GetTimestamp() < _retryAfter[slot])
        {
            return null;
        }

        var task = ConnectSlotAsync(slot);
        _connecting[slot] = task;
        return task;
    }

    private async Task<Http2Connection?> ConnectSlotAsync(int slot)
    {
        try
        {
            var connection = await Http2Connection.ConnectAsync(_options.Address, _tls, s_connectTimeout, CancellationToken.None).ConfigureAwait(false);
            lock (_slotLock)
            {
                ConnectionsOpened++;
                _live.RemoveAll(c => c.IsClosed);
                _live.Add(connection);
                Volatile.Write(ref _connections[slot], connection);
                _lastError[slot] = null;
            }

            if (_disposed)
            {
                await connection.CloseAsync().ConfigureAwait(false);
            }

            return connection;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException or TimeoutException or System.Security.Authentication.AuthenticationException)
        {
            lock (_slotLock)
            {
                _lastError[slot] = e.Message;
                _retryAfter[slot] = Stopwatch.GetTimestamp() + s_retryDelay;
            }

            return null;
        }
    }

    private void StartDeadlineTimer()
    {
        lock (_slotLock)
        {
            _deadlineTimer ??= new Timer(static s => ((Http2GrpcClient)s!).ExpireDeadlines(), this, 10, 10);
        }
    }

    private void ExpireDeadlines()
    {
        var now = Stopwatch.GetTimestamp();
        lock (_slotLock)
        {
            foreach (var connection in _live)
            {
                connection.ExpireDeadlines(now);
            }
        }
    }
}
