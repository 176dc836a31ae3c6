namespace Biometrics.Matcher.Core.Tests.Gallery;

/// <summary>Seeded random unit vectors and near-duplicates for gallery tests.</summary>
internal static class RandomVectors
{
    public static float[] Unit(Random rng, int count, int dim)
    {
        var v = new float[count * dim];
        for (var i = 0; i < count; i++)
        {
            FillUnit(rng, v.AsSpan(i * dim, dim));
        }

        return v;
    }

    public static void FillUnit(Random rng, Span<float> v)
    {
        double norm = 0;
        for (var i = 0; i < v.Length; i++)
        {
            var g = Gaussian(rng);
            v[i] = (float)g;
            norm += g * g;
        }

        var inv = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < v.Length; i++)
        {
            v[i] *= inv;
        }
    }

    /// <summary>base + noise of relative size <paramref name="noise"/>, normalised (cosine to base about 1/sqrt(1+noise^2)).</summary>
    public static float[] Near(Random rng, ReadOnlySpan<float> baseVector, float noise)
    {
        var dim = baseVector.Length;
        var n = new float[dim];
        FillUnit(rng, n);
        var v = new float[dim];
        double norm = 0;
        for (var i = 0; i < dim; i++)
        {
            v[i] = baseVector[i] + (noise * n[i]);
            norm += v[i] * v[i];
        }

        var inv = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < dim; i++)
        {
            v[i] *= inv;
        }

        return v;
    }

    public static double Gaussian(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
