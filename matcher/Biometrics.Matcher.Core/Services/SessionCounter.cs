namespace Biometrics.Matcher.Services;

/// <summary>How many gate sessions are open on this replica. Thread-safe.</summary>
internal sealed class SessionCounter
{
    private int _value;

    /// <summary>Open sessions.</summary>
    public int Value => Volatile.Read(ref _value);

    /// <summary>A session opened.</summary>
    public void Opened() => Interlocked.Increment(ref _value);

    /// <summary>A session ended.</summary>
    public void Closed() => Interlocked.Decrement(ref _value);
}
