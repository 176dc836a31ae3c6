using System.Collections.Concurrent;

namespace Biometrics.Redis.Connection;

/// <summary>A bounded pool of <see cref="PendingCommand"/> objects for one connection. Thread-safe.</summary>
internal sealed class CommandPool(bool runContinuationsAsynchronously, int capacity = 4096)
{
    private readonly ConcurrentQueue<PendingCommand> _items = new();
    private int _count;

    public PendingCommand Rent()
    {
        if (_items.TryDequeue(out var item))
        {
            Interlocked.Decrement(ref _count);
            return item;
        }

        return new PendingCommand(this, runContinuationsAsynchronously);
    }

    public void Return(PendingCommand item)
    {
        if (Interlocked.Increment(ref _count) <= capacity)
        {
            _items.Enqueue(item);
        }
        else
        {
            Interlocked.Decrement(ref _count);
        }
    }
}
