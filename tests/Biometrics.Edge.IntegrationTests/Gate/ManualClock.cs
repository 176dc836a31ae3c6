namespace Biometrics.Edge.IntegrationTests.Gate;

/// <summary>A <see cref="TimeProvider"/> whose time moves only when the test says so (timestamps only; no timers).</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks = TimeSpan.TicksPerSecond;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
