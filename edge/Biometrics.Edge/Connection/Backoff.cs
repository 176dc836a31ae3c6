namespace Biometrics.Edge.Connection;

/// <summary>
/// Exponential back-off between reconnection attempts: <see cref="Initial"/>, then each delay times
/// <see cref="Multiplier"/> up to <see cref="Maximum"/>, each spread by up to +/- <see cref="Jitter"/> so that many lanes
/// do not retry in step after a matcher restart. <see cref="Reset"/> after a success. Not thread-safe.
/// </summary>
public sealed class Backoff
{
    private readonly Random _random;
    private TimeSpan _current;

    /// <summary>Creates a back-off; <paramref name="random"/> fixes the jitter sequence (tests).</summary>
    public Backoff(TimeSpan initial, TimeSpan maximum, double multiplier = 2, double jitter = 0.2, Random? random = null)
    {
        if (initial <= TimeSpan.Zero || maximum < initial)
        {
            throw new ArgumentOutOfRangeException(nameof(initial), "need 0 < initial <= maximum");
        }

        if (!(multiplier >= 1) || jitter is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(multiplier), "need multiplier >= 1 and 0 <= jitter < 1");
        }

        Initial = initial;
        Maximum = maximum;
        Multiplier = multiplier;
        Jitter = jitter;
        _random = random ?? Random.Shared;
    }

    /// <summary>First delay.</summary>
    public TimeSpan Initial { get; }

    /// <summary>Largest delay (before jitter).</summary>
    public TimeSpan Maximum { get; }

    /// <summary>Growth factor per failure.</summary>
    public double Multiplier { get; }

    /// <summary>Relative spread of each delay.</summary>
    public double Jitter { get; }

    /// <summary>Failures since the last <see cref="Reset"/>.</summary>
    public int Attempts { get; private set; }

    /// <summary>The delay before the next attempt (and advances the sequence).</summary>
    public TimeSpan Next()
    {
        _current = Attempts == 0 ? Initial : TimeSpan.FromTicks((long)Math.Min(Maximum.Ticks, _current.Ticks * Multiplier));
        Attempts++;
        var spread = 1 + Jitter * (2 * _random.NextDouble() - 1);
        return TimeSpan.FromTicks((long)(_current.Ticks * spread));
    }

    /// <summary>Starts over from <see cref="Initial"/>.</summary>
    public void Reset()
    {
        Attempts = 0;
        _current = TimeSpan.Zero;
    }
}
