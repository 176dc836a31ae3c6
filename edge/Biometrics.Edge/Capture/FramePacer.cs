namespace Biometrics.Edge.Capture;

/// <summary>
/// Real-time replay arithmetic for recorded sources: frame <c>i</c> is due at <c>start + i / fps</c>. Given the current
/// time it says how long to wait for the next frame or how many late frames to skip so that the replay never falls
/// more than one frame behind the wall clock. Not thread-safe.
/// </summary>
public sealed class FramePacer
{
    private readonly TimeProvider _clock;
    private readonly double _fps;
    private long _start;

    /// <summary>Creates a pacer for <paramref name="fps"/> frames per second.</summary>
    public FramePacer(double fps, TimeProvider? clock = null)
    {
        if (!(fps > 0) || !double.IsFinite(fps))
        {
            throw new ArgumentOutOfRangeException(nameof(fps), fps, "The frame rate must be a positive number.");
        }

        _fps = fps;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Time between two frames.</summary>
    public TimeSpan Interval => TimeSpan.FromSeconds(1 / _fps);

    /// <summary>Source time of frame <paramref name="index"/>.</summary>
    public TimeSpan DueOffset(long index) => TimeSpan.FromSeconds(index / _fps);

    /// <summary>
    /// Plans the delivery of frame <paramref name="index"/>: <c>Skip</c> is how many frames (starting with this one) are
    /// already more than one interval late and should be dropped; <c>Wait</c> is how long to wait before delivering the
    /// first frame that is not dropped. The first call starts the clock.
    /// </summary>
    public (long Skip, TimeSpan Wait) Plan(long index)
    {
        var now = _clock.GetTimestamp();
        if (index == 0 || _start == 0)
        {
            _start = now - (long)(DueOffset(index).TotalSeconds * _clock.TimestampFrequency);
            return (0, TimeSpan.Zero);
        }

        var elapsed = _clock.GetElapsedTime(_start, now);
        var due = DueOffset(index);
        if (elapsed <= due)
        {
            return (0, due - elapsed);
        }

        // Late: deliver the frame whose slot we are in now (the newest one a camera would show), skip the older ones.
        var current = (long)Math.Floor(elapsed.TotalSeconds * _fps);
        var skip = Math.Max(0, current - index);
        return (skip, TimeSpan.Zero);
    }
}
