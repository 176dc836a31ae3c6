using System.Threading.Tasks.Sources;
using Biometrics.Redis.Protocol;

namespace Biometrics.Redis.Connection;

/// <summary>
/// A command waiting for its reply: a reusable <see cref="IValueTaskSource{TResult}"/>. Exactly one of the
/// reader loop (reply), the timeout sweep, cancellation or a connection loss completes it (a CAS on
/// <see cref="_state"/>). It goes back to its pool only when the reader completed it and the awaiter has read
/// the result; a command that timed out is left to the garbage collector because the reader still holds it.
/// </summary>
internal sealed class PendingCommand : IValueTaskSource<RespReply>
{
    private const int Waiting = 0, Completed = 1, CompletedByReader = 2;

    private ManualResetValueTaskSourceCore<RespReply> _core;
    private readonly CommandPool _pool;
    private int _state;
    private CancellationTokenRegistration _cancellation;

    public PendingCommand(CommandPool pool, bool runContinuationsAsynchronously)
    {
        _pool = pool;
        _core.RunContinuationsAsynchronously = runContinuationsAsynchronously;
    }

    /// <summary>Environment.TickCount64 after which the command times out.</summary>
    public long Deadline;

    /// <summary>The command name (first part), turned into text only for error messages.</summary>
    public RedisValue Name;

    /// <summary>The timeout in milliseconds, for error messages.</summary>
    public long TimeoutMilliseconds;

    public short Version => _core.Version;

    public bool IsCompleted => Volatile.Read(ref _state) != Waiting;

    public void Prepare(in RedisValue name, long timeoutMilliseconds)
    {
        Name = name;
        TimeoutMilliseconds = timeoutMilliseconds;
        Deadline = Environment.TickCount64 + timeoutMilliseconds;
        Volatile.Write(ref _state, Waiting);
    }

    public void RegisterCancellation(CancellationToken token)
    {
        if (token.CanBeCanceled)
        {
            _cancellation = token.UnsafeRegister(static (s, t) => ((PendingCommand)s!).TryFail(new OperationCanceledException(t)), this);
        }
    }

    /// <summary>Completes with the reply; returns false if the command had already completed (the reply is released).</summary>
    public bool TrySetReply(in RespReply reply)
    {
        if (Interlocked.CompareExchange(ref _state, CompletedByReader, Waiting) != Waiting)
        {
            reply.Release();
            return false;
        }

        _cancellation.Dispose();
        _core.SetResult(reply);
        return true;
    }

    public bool TryFail(Exception error)
    {
        if (Interlocked.CompareExchange(ref _state, Completed, Waiting) != Waiting)
        {
            return false;
        }

        _cancellation.Dispose();
        _core.SetException(error);
        return true;
    }

    public RespReply GetResult(short token)
    {
        var returnToPool = Volatile.Read(ref _state) == CompletedByReader;
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            if (returnToPool)
            {
                _cancellation = default;
                _core.Reset();
                _pool.Return(this);
            }
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
