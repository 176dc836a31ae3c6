using System.Numerics;

namespace Biometrics.LoadTest.Histograms;

/// <summary>
/// A log-linear histogram of non-negative 64-bit values (latencies in nanoseconds), in the manner of
/// HdrHistogram: values below <c>2^M</c> are counted exactly; every power-of-two range above is split
/// into <c>2^(M-1)</c> equal sub-buckets, so any recorded value is known to within a relative error
/// of <c>2^(1-M)</c> (<see cref="RelativeError"/>).
/// </summary>
/// <remarks>
/// <para>Thread-safety: <see cref="Record(long)"/> may be called from any number of threads at once
/// (interlocked increments, no locks). Reading (percentiles, <see cref="CopyTo"/>) while others record
/// gives a consistent-enough view for progress displays; for exact reports read after recording stops.</para>
/// <para>Percentiles use the nearest-rank definition and report the highest value equivalent to the
/// bucket holding that rank, clamped to the exact maximum. So for an exact percentile <c>x</c> the
/// reported value <c>r</c> satisfies <c>x &lt;= r &lt;= x * (1 + RelativeError)</c>.</para>
/// </remarks>
public sealed class LatencyHistogram
{
    private readonly long[] _counts;
    private readonly int _m;
    private readonly int _halfCount;
    private long _total;
    private long _max;
    private long _min = long.MaxValue;
    private long _sum;

    /// <summary>Creates a histogram with <paramref name="subBucketBits"/> mantissa bits (M).</summary>
    /// <param name="subBucketBits">M, between 3 and 16: relative error 2^(1-M) (M=10: 0.2 %, M=6: 3.1 %).
    /// Memory is about <c>(64 - M) * 2^(M-1) * 8</c> bytes.</param>
    public LatencyHistogram(int subBucketBits = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subBucketBits, 3);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(subBucketBits, 16);
        _m = subBucketBits;
        _halfCount = 1 << (_m - 1);
        // Exact region [0, 2^M) then one half-sized group per power of two from 2^M to 2^63.
        _counts = new long[(1 << _m) + ((63 - _m) * _halfCount)];
    }

    /// <summary>M, the number of mantissa bits.</summary>
    public int SubBucketBits => _m;

    /// <summary>Upper bound on (reported - exact) / exact for any value or percentile: 2^(1-M).</summary>
    public double RelativeError => Math.Pow(2, 1 - _m);

    /// <summary>Number of recorded values.</summary>
    public long TotalCount => Volatile.Read(ref _total);

    /// <summary>Largest recorded value (exact), 0 when empty.</summary>
    public long Max => Volatile.Read(ref _max);

    /// <summary>Smallest recorded value (exact), 0 when empty.</summary>
    public long Min => TotalCount == 0 ? 0 : Volatile.Read(ref _min);

    /// <summary>Arithmetic mean of the recorded values (exact up to floating point), 0 when empty.</summary>
    public double Mean
    {
        get
        {
            var n = TotalCount;
            return n == 0 ? 0 : (double)Volatile.Read(ref _sum) / n;
        }
    }

    /// <summary>Records one value; negative values are recorded as 0. Thread-safe.</summary>
    public void Record(long value)
    {
        if (value < 0)
        {
            value = 0;
        }

        Interlocked.Increment(ref _counts[IndexOf(value)]);
        Interlocked.Increment(ref _total);
        Interlocked.Add(ref _sum, value);
        InterlockedExtremes.Max(ref _max, value);
        InterlockedExtremes.Min(ref _min, value);
    }

    /// <summary>The value at percentile <paramref name="percentile"/> (0..100, nearest rank), see remarks.</summary>
    public long ValueAtPercentile(double percentile)
    {
        var total = TotalCount;
        if (total == 0)
        {
            return 0;
        }

        percentile = Math.Clamp(percentile, 0, 100);
        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * total));
        long cumulative = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            cumulative += Volatile.Read(ref _counts[i]);
            if (cumulative >= rank)
            {
                return Math.Min(HighestEquivalent(i), Max);
            }
        }

        return Max;
    }

    /// <summary>Adds every count of <paramref name="other"/> (same M) into this histogram. Not atomic as a whole.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._m != _m)
        {
            throw new ArgumentException("histograms must have the same sub-bucket bits", nameof(other));
        }

        for (var i = 0; i < _counts.Length; i++)
        {
            var c = Volatile.Read(ref other._counts[i]);
            if (c != 0)
            {
                Interlocked.Add(ref _counts[i], c);
            }
        }

        var n = other.TotalCount;
        if (n == 0)
        {
            return;
        }

        Interlocked.Add(ref _total, n);
        Interlocked.Add(ref _sum, Volatile.Read(ref other._sum));
        InterlockedExtremes.Max(ref _max, other.Max);
        InterlockedExtremes.Min(ref _min, other.Min);
    }

    /// <summary>
    /// The non-empty buckets in ascending order as (lowest equivalent value, highest equivalent value, count).
    /// </summary>
    public IEnumerable<(long Low, long High, long Count)> Buckets()
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            var c = Volatile.Read(ref _counts[i]);
            if (c != 0)
            {
                yield return (LowestEquivalent(i), HighestEquivalent(i), c);
            }
        }
    }

    /// <summary>Bucket index of a value (exposed for tests of the error bound).</summary>
    internal int IndexOf(long value)
    {
        if (value < (1L << _m))
        {
            return (int)value;
        }

        var h = 63 - BitOperations.LeadingZeroCount((ulong)value); // 2^h <= value < 2^(h+1), h >= M
        var shift = h - _m + 1;
        var sub = (int)(value >> shift) - _halfCount;
        return (1 << _m) + ((h - _m) * _halfCount) + sub;
    }

    /// <summary>Smallest value that falls into bucket <paramref name="index"/>.</summary>
    internal long LowestEquivalent(int index)
    {
        if (index < (1 << _m))
        {
            return index;
        }

        var rel = index - (1 << _m);
        var h = _m + (rel / _halfCount);
        var sub = rel % _halfCount;
        var shift = h - _m + 1;
        return (long)(_halfCount + sub) << shift;
    }

    /// <summary>Largest value that falls into bucket <paramref name="index"/>.</summary>
    internal long HighestEquivalent(int index)
    {
        if (index < (1 << _m))
        {
            return index;
        }

        var rel = index - (1 << _m);
        var h = _m + (rel / _halfCount);
        var shift = h - _m + 1;
        var low = LowestEquivalent(index);
        var width = 1L << shift;
        return low > long.MaxValue - width ? long.MaxValue : low + width - 1;
    }
}
