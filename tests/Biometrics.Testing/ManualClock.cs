namespace Biometrics.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> whose time moves only when the test says so: the wall clock (token expiry) and the
/// timestamps (elapsed times) advance together. Timers are the system's. Thread-safe.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _elapsedTicks;

    /// <summary>A clock starting at the current time.</summary>
    public ManualClock()
        : this(DateTimeOffset.UtcNow)
    {
    }

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => start + TimeSpan.FromTicks(Interlocked.Read(ref _elapsedTicks));

    /// <inheritdoc/>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override long GetTimestamp() => TimeSpan.TicksPerSecond + Interlocked.Read(ref _elapsedTicks);

    /// <summary>Moves the clock forward by <paramref name="by"/>.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _elapsedTicks, by.Ticks);
}
