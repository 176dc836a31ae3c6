using System.Runtime.CompilerServices;

namespace Biometrics.LoadTest.Histograms;

/// <summary>Lock-free running maximum and minimum of a shared <see cref="long"/> (compare-and-swap until it holds). Thread-safe.</summary>
internal static class InterlockedExtremes
{
    /// <summary>Raises <paramref name="location"/> to <paramref name="value"/> if that is larger.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Max(ref long location, long value)
    {
        long seen;
        while (value > (seen = Volatile.Read(ref location)) && Interlocked.CompareExchange(ref location, value, seen) != seen)
        {
        }
    }

    /// <summary>Lowers <paramref name="location"/> to <paramref name="value"/> if that is smaller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Min(ref long location, long value)
    {
        long seen;
        while (value < (seen = Volatile.Read(ref location)) && Interlocked.CompareExchange(ref location, value, seen) != seen)
        {
        }
    }
}
