namespace Biometrics.LoadTest.Data;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast 64-bit generator whose every seed gives an independent
/// looking stream; used so that "the template of subject i" is a pure function of (seed, i). Not thread-safe
/// (a value type: copy one per thread), not cryptographic.
/// </summary>
public struct SplitMix64
{
    private ulong _state;

    /// <summary>Starts the stream at <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>A stream keyed by several numbers (mixed so nearby keys give unrelated streams).</summary>
    public static SplitMix64 For(ulong a, ulong b, ulong c)
    {
        var g = new SplitMix64(a);
        var s = g.Next() ^ b;
        g = new SplitMix64(s);
        s = g.Next() ^ c;
        return new SplitMix64(new SplitMix64(s).Next());
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform double in (0, 1].</summary>
    public double NextUnit() => ((Next() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>Fills <paramref name="destination"/> with standard normal values (Box-Muller).</summary>
    public void FillGaussian(Span<float> destination)
    {
        for (var i = 0; i < destination.Length; i += 2)
        {
            var r = Math.Sqrt(-2.0 * Math.Log(NextUnit()));
            var (sin, cos) = Math.SinCos(2 * Math.PI * NextUnit());
            destination[i] = (float)(r * cos);
            if (i + 1 < destination.Length)
            {
                destination[i + 1] = (float)(r * sin);
            }
        }
    }
}
