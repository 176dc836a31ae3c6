namespace Biometrics.LoadTest.Engine;

/// <summary>
/// Steps started together on one thread (the scheduler's due steps, or the calls a read completes): work they leave
/// for later, such as a connection's socket write, is deferred to the end of the batch and run there by the same
/// thread, so the batch's requests go out in one write per connection without waking another thread
/// (docs/LOADTEST.md, "The open model"). Per thread; batches do not nest.
/// </summary>
public static class StepBatch
{
    [ThreadStatic]
    private static List<IThreadPoolWorkItem>? t_deferred;

    [ThreadStatic]
    private static bool t_open;

    /// <summary>Defers <paramref name="work"/> to the end of this thread's batch; false when no batch is open (queue it instead).</summary>
    public static bool TryDefer(IThreadPoolWorkItem work)
    {
        if (!t_open)
        {
            return false;
        }

        (t_deferred ??= []).Add(work);
        return true;
    }

    /// <summary>Opens a batch on this thread.</summary>
    public static void Begin() => t_open = true;

    /// <summary>Closes this thread's batch and runs what was deferred to it, in order.</summary>
    public static void End()
    {
        t_open = false;
        var deferred = t_deferred;
        if (deferred is null || deferred.Count == 0)
        {
            return;
        }

        // Work run here may open and end batches of its own (a flush that completes calls): take the list first.
        t_deferred = null;
        foreach (var work in deferred)
        {
            work.Execute();
        }

        deferred.Clear();
        t_deferred ??= deferred;
    }
}
