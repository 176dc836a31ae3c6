using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Biometrics.Benchmarks.Gallery;

/// <summary>
/// The gallery's previous quantised kernel, kept here as the baseline of <see cref="GalleryKernelBenchmarks"/>: row-major
/// int8 rows sign-extended to int16 (<c>vpmovsxbw</c>) and multiplied with int16 queries (<c>vpmaddwd</c>), four queries
/// per loaded row, one horizontal sum per row and query. Thread-safe (pure).
/// </summary>
internal static unsafe class RowMajorInt16Kernel
{
    /// <summary>Integer dot products of one int8 row with four int16 queries (AVX-512BW; dim a multiple of 32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dot4(sbyte* row, short* q0, short* q1, short* q2, short* q3, int dim, int* result)
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
    }
}
