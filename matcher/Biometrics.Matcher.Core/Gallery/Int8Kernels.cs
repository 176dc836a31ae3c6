using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Biometrics.Matcher.Gallery;

/// <summary>
/// Quantisation and integer dot-product kernels of the quantised scan. Gallery rows are int8 with a per-row
/// symmetric scale (v ~= s * c, c in [-127, 127]); queries are int16 with their own scale (c in [-32767, 32767] for D = 512),
/// so the query side adds almost no error. Products are summed exactly in int32 with <c>vpmaddwd</c>
/// (AVX-512BW, else AVX2, else scalar); no saturation is possible for dimensions up to <see cref="MaxDimension"/>.
/// All methods are thread-safe (pure).
/// </summary>
internal static unsafe class Int8Kernels
{
    /// <summary>Largest dimension the quantised scan accepts (the query code range shrinks as D grows).</summary>
    public const int MaxDimension = 8192;

    /// <summary>
    /// Largest query code for dimension <paramref name="dim"/> such that no int32 sum can overflow:
    /// D * 127 * qmax &lt;= 2^31 - 1 (32767 for D = 512).
    /// </summary>
    public static int QueryCodeMaxFor(int dim) => (int)Math.Min(32767L, int.MaxValue / (127L * dim));

    /// <summary>The SIMD path in use, for benchmark reports.</summary>
    public static string Isa =>
        Avx512BW.IsSupported ? "AVX-512BW (vpmovsxbw + vpmaddwd)" : Avx2.IsSupported ? "AVX2 (vpmovsxbw + vpmaddwd)" : "scalar";

    /// <summary>Quantises a normalised row to int8 and returns the metadata the error bound needs.</summary>
    public static void QuantizeRow(ReadOnlySpan<float> v, Span<sbyte> code, out float scale, out float residualNorm, out float codeNorm)
    {
        var maxAbs = TensorPrimitives.MaxMagnitude(v);
        maxAbs = MathF.Abs(maxAbs);
        scale = maxAbs > 0 ? maxAbs / 127f : 1f;
        var inv = 1f / scale;
        double res = 0, cn = 0;
        for (var i = 0; i < v.Length; i++)
        {
            var c = (int)MathF.Round(v[i] * inv);
            c = Math.Clamp(c, -127, 127);
            code[i] = (sbyte)c;
            var rec = (double)scale * c;
            var d = v[i] - rec;
            res += d * d;
            cn += rec * rec;
        }

        residualNorm = (float)Math.Sqrt(res);
        codeNorm = (float)Math.Sqrt(cn);
    }

    /// <summary>Quantises a normalised query to int16; returns the scale and ||q - scale*code||_2.</summary>
    public static void QuantizeQuery(ReadOnlySpan<float> q, Span<short> code, out float scale, out float residualNorm)
    {
        var qmax = QueryCodeMaxFor(q.Length);
        var maxAbs = MathF.Abs(TensorPrimitives.MaxMagnitude(q));
        scale = maxAbs > 0 ? maxAbs / qmax : 1f;
        var inv = 1f / scale;
        double res = 0;
        for (var i = 0; i < q.Length; i++)
        {
            var c = (int)MathF.Round(q[i] * inv);
            c = Math.Clamp(c, -qmax, qmax);
            code[i] = (short)c;
            var d = q[i] - ((double)scale * c);
            res += d * d;
        }

        residualNorm = (float)Math.Sqrt(res);
    }

    /// <summary>Integer dot products of one int8 row with four int16 queries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dot4(sbyte* row, short* q0, short* q1, short* q2, short* q3, int dim, int* result)
    {
        if (Avx512BW.IsSupported && (dim & 31) == 0)
        {
            var a0 = Vector512<int>.Zero;
            var a1 = Vector512<int>.Zero;
            var a2 = Vector512<int>.Zero;
            var a3 = Vector512<int>.Zero;
            for (var i = 0; i < dim; i += 32)
            {
                var g = Avx512BW.ConvertToVector512Int16(Vector256.Load(row + i));
                a0 = Avx512F.Add(a0, Avx512BW.MultiplyAddAdjacent(g, Vector512.Load(q0 + i)));
                a1 = Avx512F.Add(a1, Avx512BW.MultiplyAddAdjacent(g, Vector512.Load(q1 + i)));
                a2 = Avx512F.Add(a2, Avx512BW.MultiplyAddAdjacent(g, Vector512.Load(q2 + i)));
                a3 = Avx512F.Add(a3, Avx512BW.MultiplyAddAdjacent(g, Vector512.Load(q3 + i)));
            }

            result[0] = Vector512.Sum(a0);
            result[1] = Vector512.Sum(a1);
            result[2] = Vector512.Sum(a2);
            result[3] = Vector512.Sum(a3);
            return;
        }

        if (Avx2.IsSupported && (dim & 15) == 0)
        {
            var a0 = Vector256<int>.Zero;
            var a1 = Vector256<int>.Zero;
            var a2 = Vector256<int>.Zero;
            var a3 = Vector256<int>.Zero;
            for (var i = 0; i < dim; i += 16)
            {
                var g = Avx2.ConvertToVector256Int16(Vector128.Load(row + i));
                a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(g, Vector256.Load(q0 + i)));
                a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(g, Vector256.Load(q1 + i)));
                a2 = Avx2.Add(a2, Avx2.MultiplyAddAdjacent(g, Vector256.Load(q2 + i)));
                a3 = Avx2.Add(a3, Avx2.MultiplyAddAdjacent(g, Vector256.Load(q3 + i)));
            }

            result[0] = Vector256.Sum(a0);
            result[1] = Vector256.Sum(a1);
            result[2] = Vector256.Sum(a2);
            result[3] = Vector256.Sum(a3);
            return;
        }

        result[0] = DotScalar(row, q0, dim);
        result[1] = DotScalar(row, q1, dim);
        result[2] = DotScalar(row, q2, dim);
        result[3] = DotScalar(row, q3, dim);
    }

    /// <summary>Integer dot product of one int8 row with one int16 query.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Dot1(sbyte* row, short* q, int dim)
    {
        if (Avx512BW.IsSupported && (dim & 31) == 0)
        {
            var a = Vector512<int>.Zero;
            var b = Vector512<int>.Zero;
            var i = 0;
            for (; i + 64 <= dim; i += 64)
            {
                a = Avx512F.Add(a, Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.Load(row + i)), Vector512.Load(q + i)));
                b = Avx512F.Add(b, Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.Load(row + i + 32)), Vector512.Load(q + i + 32)));
            }

            for (; i < dim; i += 32)
            {
                a = Avx512F.Add(a, Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.Load(row + i)), Vector512.Load(q + i)));
            }

            return Vector512.Sum(Avx512F.Add(a, b));
        }

        if (Avx2.IsSupported && (dim & 15) == 0)
        {
            var a = Vector256<int>.Zero;
            for (var i = 0; i < dim; i += 16)
            {
                a = Avx2.Add(a, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.Load(row + i)), Vector256.Load(q + i)));
            }

            return Vector256.Sum(a);
        }

        return DotScalar(row, q, dim);
    }

    public static int DotScalar(sbyte* row, short* q, int dim)
    {
        var sum = 0;
        for (var i = 0; i < dim; i++)
        {
            sum += row[i] * q[i];
        }

        return sum;
    }
}
