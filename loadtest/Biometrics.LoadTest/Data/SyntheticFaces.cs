using System.Numerics.Tensors;

namespace Biometrics.LoadTest.Data;

/// <summary>
/// Deterministic synthetic face embeddings for load tests. Subject <c>i</c>'s template is a random Gaussian
/// vector from the stream keyed by (seed, i), L2-normalised. A genuine probe of subject <c>i</c> is its template
/// plus Gaussian noise of total length about <see cref="GenuineNoise"/>, re-normalised, so its cosine with the
/// template is about <c>1 / sqrt(1 + noise^2)</c> (0.89 for the default 0.5). An impostor probe is an
/// independent random unit vector, so its cosine with any template is about N(0, 1/sqrt(dim)) (sd 0.044 at
/// 512). Same inputs, same vectors, on every machine. Thread-safe (no mutable state).
/// </summary>
public sealed class SyntheticFaces
{
    private const ulong TemplateStream = 0, GenuineStream = 1, ImpostorStream = 2;

    /// <summary>Creates the generator.</summary>
    /// <param name="dimension">Embedding length (512 for fr_feature.onnx).</param>
    /// <param name="seed">Run seed: same seed, same gallery.</param>
    /// <param name="genuineNoise">Length of the noise added to make a genuine probe (before re-normalising).</param>
    public SyntheticFaces(int dimension = 512, ulong seed = 1, double genuineNoise = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 2);
        Dimension = dimension;
        Seed = seed;
        GenuineNoise = genuineNoise;
    }

    /// <summary>Embedding length.</summary>
    public int Dimension { get; }

    /// <summary>Run seed.</summary>
    public ulong Seed { get; }

    /// <summary>Noise length of genuine probes.</summary>
    public double GenuineNoise { get; }

    /// <summary>The subject identifier used for enrolment of subject number <paramref name="subject"/>.</summary>
    public static string SubjectId(long subject) => "synthetic-" + subject.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes subject <paramref name="subject"/>'s enrolled template (unit length).</summary>
    public void Template(long subject, Span<float> destination)
    {
        Check(destination);
        var rng = SplitMix64.For(Seed, TemplateStream, (ulong)subject);
        rng.FillGaussian(destination);
        Normalise(destination);
    }

    /// <summary>Writes probe number <paramref name="probe"/> of a genuine attempt by <paramref name="subject"/>.</summary>
    public void GenuineProbe(long subject, long probe, Span<float> destination)
    {
        Template(subject, destination);
        Span<float> noise = destination.Length <= 2048 ? stackalloc float[destination.Length] : new float[destination.Length];
        var rng = SplitMix64.For(Seed ^ ((ulong)probe << 32), GenuineStream, (ulong)subject);
        rng.FillGaussian(noise);
        TensorPrimitives.MultiplyAdd(noise, (float)(GenuineNoise / Math.Sqrt(destination.Length)), destination, destination);
        Normalise(destination);
    }

    /// <summary>Writes probe number <paramref name="probe"/> of an impostor claiming <paramref name="subject"/>: unrelated to every template.</summary>
    public void ImpostorProbe(long subject, long probe, Span<float> destination)
    {
        Check(destination);
        var rng = SplitMix64.For(Seed ^ ((ulong)probe << 32), ImpostorStream, (ulong)subject);
        rng.FillGaussian(destination);
        Normalise(destination);
    }

    /// <summary>Convenience: a new array holding <see cref="Template"/>.</summary>
    public float[] Template(long subject)
    {
        var v = new float[Dimension];
        Template(subject, v);
        return v;
    }

    private static void Normalise(Span<float> v)
    {
        var norm = TensorPrimitives.Norm(v);
        TensorPrimitives.Divide(v, norm, v);
    }

    private void Check(Span<float> destination)
    {
        if (destination.Length != Dimension)
        {
            throw new ArgumentException($"destination must hold {Dimension} floats", nameof(destination));
        }
    }
}
