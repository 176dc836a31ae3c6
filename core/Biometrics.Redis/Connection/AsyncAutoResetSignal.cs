using System.Threading.Tasks.Sources;

namespace Biometrics.Redis.Connection;

/// <summary>
/// An allocation-free auto-reset event for exactly one waiter (the writer loop) and many setters. Signals that
/// arrive while nobody waits coalesce into one, which is all the writer needs: it drains everything buffered
/// when it wakes.
/// </summary>
internal sealed class AsyncAutoResetSignal : IValueTaskSource
{
    private const int Idle = 0, Signaled = 1, Waiting = 2;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _state;

    public ValueTask WaitAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Signaled) == Signaled)
        {
            return default;
        }

        _core.Reset();
        if (Interlocked.CompareExchange(ref _state, Waiting, Idle) != Idle)
        {
            // Signalled between the two checks.
            Volatile.Write(ref _state, Idle);
            return default;
        }

        return new ValueTask(this, _core.Version);
    }

    public void Set()
    {
        if (Volatile.Read(ref _state) == Signaled)
        {
            return;
        }

        if (Interlocked.Exchange(ref _state, Signaled) == Waiting)
        {
            Volatile.Write(ref _state, Idle);
            _core.SetResult(true);
        }
    }

    public void GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
