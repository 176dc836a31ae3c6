using Biometrics.Edge.Connection;
using Biometrics.Protos.V1;
using Grpc.Core;

namespace Biometrics.Edge.Gate;

/// <summary>
/// One traveller's <c>GateSession</c> call: opens it with the claim and the remaining budget, streams the probes handed to
/// <see cref="Send"/>, and reports each verdict through the callback given to the constructor. The lane's budget is
/// enforced here, independently of the matcher: if no final verdict has arrived when it runs out (matcher slow, down
/// or unreachable), the session reports an edge-made REFER (<c>matcher_unavailable</c> or <c>budget_exhausted</c>) on
/// time and cancels the call. Transient failures (UNAVAILABLE, broken connections) are retried with the connection's
/// back-off while budget remains, re-sending the probes taken so far. Thread-safe.
/// </summary>
public sealed class TravellerSession : IAsyncDisposable
{
    /// <summary>Reason code of an edge REFER when the matcher could not be reached within the budget.</summary>
    public const string MatcherUnavailable = "matcher_unavailable";

    /// <summary>Reason code of an edge REFER when the matcher was reached but did not decide within the budget.</summary>
    public const string BudgetExhausted = "budget_exhausted";

    /// <summary>Reason code prefix of an edge REFER after a non-retryable gRPC error (for example <c>rpc_unauthenticated</c>).</summary>
    public const string RpcErrorPrefix = "rpc_";

    private static readonly TimeSpan s_matcherMargin = TimeSpan.FromMilliseconds(150);
    private readonly Lock _lock = new();
    private readonly List<Probe> _probes = [];
    private readonly SemaphoreSlim _probeSignal = new(0);
    private readonly MatcherConnection _connection;
    private readonly GateSessionOpen _open;
    private readonly long _deadlineTimestamp;
    private Exception? _lastError;
    private readonly TimeProvider _clock;
    private readonly Action<Verdict, bool, VerdictSource> _onVerdict;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _run;
    private int _final;
    private volatile bool _reached;

    /// <summary>Prepares a session; call <see cref="Start"/> to open it.</summary>
    /// <param name="connection">The matcher connection.</param>
    /// <param name="open">The open message (gate, lane, claim, session id, the lane budget); each attempt sends the budget that remains.</param>
    /// <param name="deadlineTimestamp">When the lane's budget runs out, as a <paramref name="clock"/> timestamp.</param>
    /// <param name="onVerdict">Called with each verdict, whether it is final, and who decided. Called at most once with final = true.</param>
    /// <param name="clock">Time source.</param>
    public TravellerSession(MatcherConnection connection, GateSessionOpen open, long deadlineTimestamp, Action<Verdict, bool, VerdictSource> onVerdict, TimeProvider? clock = null)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _open = open ?? throw new ArgumentNullException(nameof(open));
        _onVerdict = onVerdict ?? throw new ArgumentNullException(nameof(onVerdict));
        _deadlineTimestamp = deadlineTimestamp;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Completes when the final verdict has been reported (or the session was disposed).</summary>
    public Task Completion => _completion.Task;

    /// <summary>True once the final verdict has been reported.</summary>
    public bool IsFinal => Volatile.Read(ref _final) != 0;

    /// <summary>Probes handed to the session so far.</summary>
    public int ProbeCount
    {
        get
        {
            lock (_lock)
            {
                return _probes.Count;
            }
        }
    }

    /// <summary>Budget left, never negative.</summary>
    public TimeSpan Remaining
    {
        get
        {
            var left = _clock.GetElapsedTime(_clock.GetTimestamp(), _deadlineTimestamp);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>Opens the call in the background.</summary>
    public void Start()
    {
        lock (_lock)
        {
            _run ??= Task.Run(RunAsync);
        }
    }

    /// <summary>Queues a probe (sent at once when the call is open; re-sent after a reconnection).</summary>
    public void Send(Probe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        lock (_lock)
        {
            _probes.Add(probe);
        }

        _probeSignal.Release();
    }

    /// <summary>Stops the call without a verdict (the agent is shutting down).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_run is not null)
        {
            // At most 5 s; the run ends without a verdict once stopped, so nothing it could throw is of interest here.
            await _run.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _completion.TrySetResult();
        _stop.Dispose();
        _probeSignal.Dispose();
    }

    private async Task RunAsync()
    {
        // The traveller's span: the GateSession calls below carry its trace context to the matcher (docs/OPERATIONS.md).
        using var span = Telemetry.EdgeTelemetry.StartSession(_open.GateId, _open.LaneId, _open.SessionId);
        using var budget = new CancellationTokenSource(Remaining, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, _stop.Token);
        var token = linked.Token;
        // The lane's REFER goes out when the budget runs out, not when the pending attempt gets round to noticing
        // (a connect to a dead or busy host may take a while to observe cancellation).
        using var atBudget = budget.Token.Register(ReportBudgetVerdict);
        try
        {
            while (!token.IsCancellationRequested && !IsFinal)
            {
                var wait = _connection.RetryDelay;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait < Remaining ? wait : Remaining, _clock, token).ConfigureAwait(false);
                    continue;
                }

                try
                {
                    await AttemptAsync(token).ConfigureAwait(false);
                }
                catch (Exception e) when (!token.IsCancellationRequested && MatcherConnection.IsTransient(e))
                {
                    _lastError = e;
                    _connection.ReportFailure(e);
                }
                catch (RpcException e) when (!token.IsCancellationRequested)
                {
                    _reached = true;
                    _connection.ReportSuccess();
                    Report(EdgeVerdict(RpcErrorPrefix + Snake(e.StatusCode), $"matcher refused the session: {e.StatusCode} {e.Status.Detail}"),
                        final: true, VerdictSource.Edge);
                }
                catch (Exception e) when (!token.IsCancellationRequested && e is not OperationCanceledException)
                {
                    // Anything else from the transport (a disposed stream, a write racing a reset): retry like a failure.
                    _lastError = e;
                    _connection.ReportFailure(e);
                }
            }
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            // The budget ran out (its verdict is reported below) or the agent is stopping: whatever the pending attempt
            // ended with (OperationCanceledException, RpcException(Cancelled), a transport error) is no longer news.
        }

        ReportBudgetVerdict();
        _completion.TrySetResult();
    }

    /// <summary>The edge's own final verdict when the budget is spent without one from the matcher (no-op once final or stopped).</summary>
    private void ReportBudgetVerdict()
    {
        if (IsFinal || _stop.IsCancellationRequested)
        {
            return;
        }

        var lastError = Volatile.Read(ref _lastError);
        var verdict = _reached
            ? EdgeVerdict(BudgetExhausted, $"the matcher did not decide within the lane budget of {_open.BudgetMs} ms")
            : EdgeVerdict(MatcherUnavailable, "the matcher could not be reached within the lane budget" +
                                              (lastError is null ? string.Empty : $" ({Describe(lastError)})"));
        Report(verdict, final: true, VerdictSource.Edge);
        _completion.TrySetResult();
    }

    private async Task AttemptAsync(CancellationToken token)
    {
        var open = _open.Clone();
        var budgetMs = (int)Math.Clamp((Remaining - s_matcherMargin).TotalMilliseconds, 100, 60_000);
        open.BudgetMs = budgetMs;
        var deadline = DateTime.UtcNow + Remaining + TimeSpan.FromMilliseconds(250);
        using var call = _connection.Matcher.GateSession(_connection.CallOptions(deadline, token));
        await WriteOpenAsync(call, new GateSessionRequest { Open = open }, token).ConfigureAwait(false);
        // The open message went out on an HTTP/2 stream: the matcher is reachable (a later silence is slowness).
        _reached = true;
        _connection.ReportSuccess();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(token);
        var writer = WriteProbesAsync(call, attempt.Token);
        try
        {
            while (await call.ResponseStream.MoveNext(token).ConfigureAwait(false))
            {
                _reached = true;
                _connection.ReportSuccess();
                var response = call.ResponseStream.Current;
                if (response.Verdict is null)
                {
                    continue;
                }

                var final = response.Final || response.Verdict.Decision is Decision.Accept or Decision.Reject or Decision.Refer;
                Report(response.Verdict, final, VerdictSource.Matcher);
                if (final)
                {
                    await TryCancelAsync(call.RequestStream).ConfigureAwait(false);
                    return;
                }
            }

            // The matcher ended the stream without a final verdict: a fault on its side, worth another attempt.
            throw new RpcException(new Status(StatusCode.Unavailable, "the matcher ended the session without a verdict"));
        }
        finally
        {
            await attempt.CancelAsync().ConfigureAwait(false);
            try
            {
                await writer.ConfigureAwait(false);
            }
            // The writer may be stopped mid-write, or find the request stream completed after the final verdict.
            catch (Exception e) when (e is OperationCanceledException or RpcException or IOException or InvalidOperationException or ObjectDisposedException)
            {
            }
        }
    }

    private static Task WriteAsync(AsyncDuplexStreamingCall<GateSessionRequest, GateSessionResponse> call, GateSessionRequest message, CancellationToken token) =>
        // A write waits for the HTTP/2 stream to open; when the connection cannot be made it fails with the call's
        // status (UNAVAILABLE), which the caller treats as transient.
        call.RequestStream.WriteAsync(message, token);

    /// <summary>
    /// Writes the open message. When the matcher refuses the call at once (UNAUTHENTICATED, PERMISSION_DENIED), the write
    /// can lose the race with the refusal and fail with a bare <c>Cancelled</c> before the call has its status (measured:
    /// a few sessions in a hundred without a token); the response stream then throws the matcher's own status.
    /// </summary>
    private static async Task WriteOpenAsync(AsyncDuplexStreamingCall<GateSessionRequest, GateSessionResponse> call, GateSessionRequest open, CancellationToken token)
    {
        try
        {
            await WriteAsync(call, open, token).ConfigureAwait(false);
        }
        catch (RpcException) when (!token.IsCancellationRequested)
        {
            await call.ResponseStream.MoveNext(token).ConfigureAwait(false);
            throw;
        }
    }

    private async Task WriteProbesAsync(AsyncDuplexStreamingCall<GateSessionRequest, GateSessionResponse> call, CancellationToken token)
    {
        var next = 0;
        while (!token.IsCancellationRequested)
        {
            Probe? probe = null;
            lock (_lock)
            {
                if (next < _probes.Count)
                {
                    probe = _probes[next++];
                }
            }

            if (probe is null)
            {
                await _probeSignal.WaitAsync(token).ConfigureAwait(false);
                continue;
            }

            await WriteAsync(call, new GateSessionRequest { Probe = probe }, token).ConfigureAwait(false);
        }
    }

    private static async Task TryCancelAsync(IClientStreamWriter<GateSessionRequest> stream)
    {
        try
        {
            await stream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or IOException or InvalidOperationException or ObjectDisposedException)
        {
        }
    }

    private void Report(Verdict verdict, bool final, VerdictSource source)
    {
        if (final && Interlocked.Exchange(ref _final, 1) != 0)
        {
            return;
        }

        if (!final && IsFinal)
        {
            return;
        }

        _onVerdict(verdict, final, source);
    }

    private Verdict EdgeVerdict(string reason, string text) => new()
    {
        Decision = Decision.Refer,
        Reason = reason,
        ReasonText = text,
        TransactionId = "edge-" + Guid.NewGuid().ToString("N"),
    };

    private static string Describe(Exception e) => e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : e.Message;

    private static string Snake(StatusCode code)
    {
        var name = code.ToString();
        var sb = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                sb.Append('_');
            }

            sb.Append(char.ToLowerInvariant(name[i]));
        }

        return sb.ToString();
    }
}
