using Biometrics.Protos.V1;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>Synthetic unit embeddings for tests that need no face pipeline.</summary>
public static class Vectors
{
    public const string ModelId = "fr_feature-87aacdfe5751";

    public static float[] Random(int seed, int dim = 512)
    {
        var rng = new Random(seed);
        var v = new float[dim];
        for (var i = 0; i < dim; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        return Normalise(v);
    }

    /// <summary><paramref name="v"/> plus noise: cosine with v is about 1/sqrt(1+noise^2) (0.9 for noise 0.48).</summary>
    public static float[] Near(float[] v, int seed, float noise = 0.3f)
    {
        var n = Random(seed, v.Length);
        var r = new float[v.Length];
        for (var i = 0; i < v.Length; i++) r[i] = v[i] + noise * n[i];
        return Normalise(r);
    }

    public static Embedding Embedding(float[] v, string? modelId = null)
    {
        var e = new Embedding { ModelId = modelId ?? ModelId };
        e.Values.AddRange(v);
        return e;
    }

    public static Probe Probe(float[] v) => new() { Embedding = Embedding(v) };

    private static float[] Normalise(float[] v)
    {
        var n = (float)Math.Sqrt(v.Sum(x => (double)x * x));
        for (var i = 0; i < v.Length; i++) v[i] /= n;
        return v;
    }
}
