using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Biometrics.Matcher.Gallery;

/// <summary>
/// Quantisation and integer dot-product kernels of the quantised scan.
/// </summary>
/// <remarks>
/// <para>Gallery rows are int8 with a per-row symmetric scale (v ~= s * c, c in [-127, 127]). Queries are 7-bit: a
/// symmetric code c_q in [-63, 63] with its own scale, stored as the unsigned byte u = c_q + 64 in [1, 127], so that
/// <c>vpmaddubsw</c> (u8 x s8 -> s16 pair sums) can multiply them: a pair sum is at most 2 * 127 * 127 = 32,258 &lt; 32,767
/// and never saturates. <c>vpmaddwd</c> with ones widens the pair sums to int32, so every integer dot product is exact.
/// The offset is removed afterwards with the row's code sum: sum(c_q * c) = sum(u * c) - 64 * sum(c).
/// With 6-bit queries (c_q in [-31, 31], u = c_q + 32 in [1, 63]) a pair sum is at most 2 * 63 * 127 = 16,002, so the
/// pair sums of two groups are added in int16 (<c>vpaddw</c>) before one widening: 1.5 multiply-port instructions per
/// 64 multiply-adds instead of 2 (Zen 4 runs both on the same two 256-bit pipes), at the price of a coarser query.</para>
/// <para>Codes are stored in panels of <see cref="PanelRows"/> rows: for each group of four dimensions, 64 bytes holding
/// the four codes of row 0, then row 1, ..., row 15. One 512-bit load is a group of all 16 rows; a query's four bytes
/// are broadcast against it and the int32 lane i accumulates row i, so no horizontal sum is needed, and up to
/// <see cref="MaxTile"/> queries share each loaded group while their accumulators stay in registers. Dimensions that
/// are not a multiple of four are padded with code 0 (query byte 64), which adds nothing.</para>
/// <para>All methods are thread-safe (pure).</para>
/// </remarks>
internal static unsafe class Int8Kernels
{
    /// <summary>Rows per panel (one int32 lane of a 512-bit register per row).</summary>
    public const int PanelRows = 16;

    /// <summary>Dimensions per group (four bytes of a row per int32 lane).</summary>
    public const int GroupDims = 4;

    /// <summary>Bytes of one group of a panel: 16 rows x 4 dimensions.</summary>
    public const int GroupBytes = PanelRows * GroupDims;

    /// <summary>Query precision with the most headroom: 7-bit codes, one <c>vpmaddwd</c> widening per group.</summary>
    public const int WideQueryBits = 7;

    /// <summary>Query precision of the faster path: 6-bit codes, two groups' pair sums added in int16 per widening.</summary>
    public const int NarrowQueryBits = 6;

    /// <summary>Most queries scored together against one panel (their accumulators stay in registers).</summary>
    public const int MaxTile = 8;

    /// <summary>Largest dimension the quantised scan accepts: D * 127 * 127 must fit an int32 accumulator lane.</summary>
    public const int MaxDimension = 65_536;

    /// <summary>The SIMD path in use, for benchmark reports.</summary>
    public static string Isa =>
        AvxVnni.IsSupported ? "AVX-VNNI (vpdpbusd, 16-row panels)"
        : Avx512BW.IsSupported ? "AVX-512BW (vpmaddubsw + vpmaddwd, 16-row panels)"
        : Avx2.IsSupported ? "AVX2 (vpmaddubsw + vpmaddwd, 16-row panels)"
        : "scalar";

    /// <summary>Largest magnitude of a signed query code of <paramref name="bits"/> bits (63 for 7, 31 for 6).</summary>
    public static int QueryCodeMax(int bits) => (1 << (bits - 1)) - 1;

    /// <summary>Added to a signed query code to make it the unsigned byte <c>vpmaddubsw</c> takes (64 for 7 bits, 32 for 6).</summary>
    public static int QueryOffset(int bits) => 1 << (bits - 1);

    /// <summary>The dimension rounded up to a multiple of <see cref="GroupDims"/>.</summary>
    public static int PaddedDimension(int dim) => (dim + GroupDims - 1) & ~(GroupDims - 1);

    /// <summary>Bytes of one panel of codes for dimension <paramref name="dim"/>.</summary>
    public static int PanelBytes(int dim) => PanelRows * PaddedDimension(dim);

    /// <summary>Quantises a normalised row to int8 and returns the metadata the scan and the error bound need.</summary>
    /// <param name="v">The normalised row.</param>
    /// <param name="code">Receives the codes (same length as <paramref name="v"/>).</param>
    /// <param name="scale">v ~= scale * code.</param>
    /// <param name="residualNorm">||v - scale * code||_2.</param>
    /// <param name="codeNorm">||scale * code||_2.</param>
    /// <param name="codeSum">The sum of the codes (removes the query offset).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the bulk load of a start runs it 1,000,000 times at once
    public static void QuantizeRow(ReadOnlySpan<float> v, Span<sbyte> code, out float scale, out float residualNorm, out float codeNorm, out int codeSum)
    {
        var maxAbs = MathF.Abs(TensorPrimitives.MaxMagnitude(v));
        scale = maxAbs > 0 ? maxAbs / 127f : 1f;
        var inv = 1f / scale;
        double res = 0, cn = 0;
        var sum = 0;
        for (var i = 0; i < v.Length; i++)
        {
            var c = Math.Clamp((int)MathF.Round(v[i] * inv), -127, 127);
            code[i] = (sbyte)c;
            sum += c;
            var rec = (double)scale * c;
            var d = v[i] - rec;
            res += d * d;
            cn += rec * rec;
        }

        residualNorm = (float)Math.Sqrt(res);
        codeNorm = (float)Math.Sqrt(cn);
        codeSum = sum;
    }

    /// <summary>
    /// Quantises a normalised query to offset bytes of <paramref name="bits"/> bits (7: u = c_q + 64, c_q in [-63, 63];
    /// 6: u = c_q + 32, c_q in [-31, 31]); <paramref name="code"/> has <see cref="PaddedDimension"/> bytes and the padding
    /// is set to the offset (a zero code). Returns the scale (q ~= scale * c_q) and ||q - scale * c_q||_2.
    /// </summary>
    public static void QuantizeQuery(ReadOnlySpan<float> q, Span<byte> code, int bits, out float scale, out float residualNorm)
    {
        var qmax = QueryCodeMax(bits);
        var offset = QueryOffset(bits);
        var maxAbs = MathF.Abs(TensorPrimitives.MaxMagnitude(q));
        scale = maxAbs > 0 ? maxAbs / qmax : 1f;
        var inv = 1f / scale;
        double res = 0;
        for (var i = 0; i < q.Length; i++)
        {
            var c = Math.Clamp((int)MathF.Round(q[i] * inv), -qmax, qmax);
            code[i] = (byte)(c + offset);
            var d = q[i] - ((double)scale * c);
            res += d * d;
        }

        code[q.Length..].Fill((byte)offset);
        residualNorm = (float)Math.Sqrt(res);
    }

    /// <summary>Stores one row's codes into its slot of a panel (padding dimensions get code 0).</summary>
    public static void StoreRow(sbyte* panel, int rowInPanel, ReadOnlySpan<sbyte> code)
    {
        // Four codes of a group are one int32 lane: copy them as one int per group.
        var full = code.Length / GroupDims;
        var dst = (int*)(panel + (rowInPanel * GroupDims));
        var src = MemoryMarshal.Cast<sbyte, int>(code[..(full * GroupDims)]);
        for (var g = 0; g < full; g++)
        {
            dst[g * (GroupBytes / sizeof(int))] = src[g];
        }

        if (full * GroupDims < code.Length)
        {
            var tail = (sbyte*)(dst + (full * (GroupBytes / sizeof(int))));
            for (var k = 0; k < GroupDims; k++)
            {
                var i = (full * GroupDims) + k;
                tail[k] = i < code.Length ? code[i] : (sbyte)0;
            }
        }
    }

    /// <summary>Reads one row's codes back from its slot of a panel.</summary>
    public static void LoadRow(sbyte* panel, int rowInPanel, Span<sbyte> code)
    {
        var p = panel + (rowInPanel * GroupDims);
        for (var i = 0; i < code.Length; i++)
        {
            code[i] = p[((i / GroupDims) * GroupBytes) + (i % GroupDims)];
        }
    }

    /// <summary>
    /// Raw integer scores sum(u * c) of the 16 rows of one panel against <paramref name="count"/> queries (1 to
    /// <see cref="MaxTile"/>): <c>result[j * 16 + i]</c> is query j against row i. Query j's bytes start at
    /// <c>queries + j * PaddedDimension</c>; <paramref name="groups"/> is PaddedDimension / 4.
    /// Subtract <see cref="QueryOffset"/> * codeSum of the row for the signed dot product. With
    /// <paramref name="bits"/> = 6 every query byte must be at most 63 (as <see cref="QuantizeQuery"/> makes them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ScorePanel(sbyte* panel, byte* queries, int count, int groups, int* result, int bits) =>
        ScorePanel(panel, queries, count, groups, result, bits, panel);

    /// <summary>
    /// <see cref="ScorePanel(sbyte*, byte*, int, int, int*, int)"/> that also prefetches <paramref name="next"/> (the
    /// panel the caller scores next, or <paramref name="panel"/> when there is none) into L1 while it scores four or
    /// more queries: one cache line per group, so the next panel's codes arrive while this one is computed instead of
    /// stalling its first tile (docs/PERFORMANCE.md, "Issue 16, fourth round"). Prefetches never fault.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ScorePanel(sbyte* panel, byte* queries, int count, int groups, int* result, int bits, sbyte* next)
    {
        var stride = groups * GroupDims;
        if (AvxVnni.IsSupported)
        {
            // vpdpbusd sums four u8 x s8 products straight into int32: exact for either query width, and one
            // instruction per 32 multiply-adds instead of two (docs/PERFORMANCE.md, "Gallery index").
            var j = 0;
            for (; j + 8 <= count; j += 8)
            {
                Tile8Vnni(panel, queries + (j * stride), stride, groups, result + (j * PanelRows), j == 0 ? next : panel);
            }

            if (j + 4 <= count)
            {
                Tile4Vnni(panel, queries + (j * stride), stride, groups, result + (j * PanelRows), j == 0 ? next : panel);
                j += 4;
            }

            // The last one to three queries in one tile, so the panel is read once for them (a step of the shared scan
            // at 200 queries/s carries one to three; docs/PERFORMANCE.md, "Issue 16, fourth round").
            switch (count - j)
            {
                case 3:
                    Tile3Vnni(panel, queries + (j * stride), stride, groups, result + (j * PanelRows));
                    break;
                case 2:
                    Tile2Vnni(panel, queries + (j * stride), stride, groups, result + (j * PanelRows));
                    break;
                case 1:
                    Tile1Vnni(panel, queries + (j * stride), groups, result + (j * PanelRows));
                    break;
            }

            return;
        }

        ScorePanelMultiplyAdd(panel, queries, count, groups, result, bits, next);
    }

    /// <summary>
    /// <see cref="ScorePanel"/> without VNNI: <c>vpmaddubsw</c> + <c>vpmaddwd</c> (AVX-512BW, else AVX2, else scalar).
    /// The same inputs and outputs; the path of CPUs without VNNI, callable directly so tests cover it on any CPU.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ScorePanelMultiplyAdd(sbyte* panel, byte* queries, int count, int groups, int* result, int bits) =>
        ScorePanelMultiplyAdd(panel, queries, count, groups, result, bits, panel);

    /// <summary>
    /// <see cref="ScorePanelMultiplyAdd(sbyte*, byte*, int, int, int*, int)"/> that prefetches <paramref name="next"/>
    /// as <see cref="ScorePanel(sbyte*, byte*, int, int, int*, int, sbyte*)"/> does (on the AVX2 path).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ScorePanelMultiplyAdd(sbyte* panel, byte* queries, int count, int groups, int* result, int bits, sbyte* next)
    {
        var stride = groups * GroupDims;
        if (Avx512BW.IsSupported && bits <= NarrowQueryBits)
        {
            var j = 0;
            for (; j + 8 <= count; j += 8)
            {
                Tile8Avx512Narrow(panel, queries + (j * stride), stride, groups, result + (j * PanelRows));
            }

            if (j + 4 <= count)
            {
                Tile4Avx512Narrow(panel, queries + (j * stride), stride, groups, result + (j * PanelRows));
                j += 4;
            }

            if (j + 2 <= count)
            {
                Tile2Avx512Narrow(panel, queries + (j * stride), stride, groups, result + (j * PanelRows));
                j += 2;
            }

            if (j < count)
            {
                Tile1Avx512Narrow(panel, queries + (j * stride), stride, groups, result + (j * PanelRows));
            }

            return;
        }

        if (Avx512BW.IsSupported)
        {
            var j = 0;
            for (; j + 8 <= count; j += 8)
            {
                Tile8Avx512(panel, queries + (j * stride), stride, groups, result + (j * PanelRows));
            }

            if (j + 4 <= count)
            {
                Tile4Avx512(panel, queries + (j * stride), stride, groups, result + (j * PanelRows));
                j += 4;
            }

            if (j + 2 <= count)
            {
                Tile2Avx512(panel, queries + (j * stride), stride, groups, result + (j * PanelRows));
                j += 2;
            }

            if (j < count)
            {
                Tile1Avx512(panel, queries + (j * stride), groups, result + (j * PanelRows));
            }

            return;
        }

        if (Avx2.IsSupported)
        {
            ScorePanelAvx2(panel, queries, count, groups, result, next);
            return;
        }

        ScorePanelScalar(panel, queries, count, groups, result);
    }

    /// <summary>
    /// The AVX2 path of <see cref="ScorePanelMultiplyAdd(sbyte*, byte*, int, int, int*, int, sbyte*)"/> (any query
    /// width up to 7 bits), callable directly so tests cover it on CPUs that take another path. Tiles of 4, then the
    /// last 3, 2 or 1 queries in one tile, each loaded group used for every query of the tile, and the first 4-query
    /// tile of a panel prefetches <paramref name="next"/>. No 8-query tile: its 16 accumulators do not fit the 16 ymm
    /// registers of AVX2 beside the group and the query (the JIT kept five on the stack), and it measured no faster
    /// than two 4-query tiles (docs/PERFORMANCE.md, "Seventh round (2026-12-06): the AVX2 kernel").
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ScorePanelAvx2(sbyte* panel, byte* queries, int count, int groups, int* result, sbyte* next)
    {
        var stride = groups * GroupDims;
        var j = 0;
        for (; j + 4 <= count; j += 4)
        {
            Tile4Avx2(panel, queries + (j * stride), stride, groups, result + (j * PanelRows), j == 0 ? next : panel);
        }

        switch (count - j)
        {
            case 3:
                Tile3Avx2(panel, queries + (j * stride), stride, groups, result + (j * PanelRows));
                break;
            case 2:
                Tile2Avx2(panel, queries + (j * stride), stride, groups, result + (j * PanelRows));
                break;
            case 1:
                Tile1Avx2(panel, queries + (j * stride), groups, result + (j * PanelRows));
                break;
        }
    }

    /// <summary>The scalar reference of <see cref="ScorePanel"/> (same inputs, same outputs).</summary>
    public static void ScorePanelScalar(sbyte* panel, byte* queries, int count, int groups, int* result)
    {
        var stride = groups * GroupDims;
        for (var j = 0; j < count; j++)
        {
            var q = queries + (j * stride);
            for (var i = 0; i < PanelRows; i++)
            {
                var sum = 0;
                for (var g = 0; g < groups; g++)
                {
                    var p = panel + (g * GroupBytes) + (i * GroupDims);
                    for (var k = 0; k < GroupDims; k++)
                    {
                        sum += q[(g * GroupDims) + k] * p[k];
                    }
                }

                result[(j * PanelRows) + i] = sum;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Mac(Vector512<int> acc, int queryQuad, Vector512<sbyte> group, Vector512<short> ones) =>
        Avx512F.Add(acc, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(Vector512.Create(queryQuad).AsByte(), group), ones));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8Avx512(sbyte* panel, byte* queries, int stride, int groups, int* result)
    {
        var ones = Vector512.Create((short)1);
        var s = stride / GroupDims;
        var q0 = (int*)queries;
        var q1 = q0 + s;
        var q2 = q1 + s;
        var q3 = q2 + s;
        var q4 = q3 + s;
        var q5 = q4 + s;
        var q6 = q5 + s;
        var q7 = q6 + s;
        var a0 = Vector512<int>.Zero;
        var a1 = Vector512<int>.Zero;
        var a2 = Vector512<int>.Zero;
        var a3 = Vector512<int>.Zero;
        var a4 = Vector512<int>.Zero;
        var a5 = Vector512<int>.Zero;
        var a6 = Vector512<int>.Zero;
        var a7 = Vector512<int>.Zero;
        for (var g = 0; g < groups; g++)
        {
            var x = Vector512.Load(panel + (g * GroupBytes));
            a0 = Mac(a0, q0[g], x, ones);
            a1 = Mac(a1, q1[g], x, ones);
            a2 = Mac(a2, q2[g], x, ones);
            a3 = Mac(a3, q3[g], x, ones);
            a4 = Mac(a4, q4[g], x, ones);
            a5 = Mac(a5, q5[g], x, ones);
            a6 = Mac(a6, q6[g], x, ones);
            a7 = Mac(a7, q7[g], x, ones);
        }

        a0.Store(result);
        a1.Store(result + 16);
        a2.Store(result + 32);
        a3.Store(result + 48);
        a4.Store(result + 64);
        a5.Store(result + 80);
        a6.Store(result + 96);
        a7.Store(result + 112);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4Avx512(sbyte* panel, byte* queries, int stride, int groups, int* result)
    {
        var ones = Vector512.Create((short)1);
        var s = stride / GroupDims;
        var q0 = (int*)queries;
        var q1 = q0 + s;
        var q2 = q1 + s;
        var q3 = q2 + s;
        var a0 = Vector512<int>.Zero;
        var a1 = Vector512<int>.Zero;
        var a2 = Vector512<int>.Zero;
        var a3 = Vector512<int>.Zero;
        for (var g = 0; g < groups; g++)
        {
            var x = Vector512.Load(panel + (g * GroupBytes));
            a0 = Mac(a0, q0[g], x, ones);
            a1 = Mac(a1, q1[g], x, ones);
            a2 = Mac(a2, q2[g], x, ones);
            a3 = Mac(a3, q3[g], x, ones);
        }

        a0.Store(result);
        a1.Store(result + 16);
        a2.Store(result + 32);
        a3.Store(result + 48);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile2Avx512(sbyte* panel, byte* queries, int stride, int groups, int* result)
    {
        var ones = Vector512.Create((short)1);
        var s = stride / GroupDims;
        var q0 = (int*)queries;
        var q1 = q0 + s;
        var a0 = Vector512<int>.Zero;
        var a1 = Vector512<int>.Zero;
        for (var g = 0; g < groups; g++)
        {
            var x = Vector512.Load(panel + (g * GroupBytes));
            a0 = Mac(a0, q0[g], x, ones);
            a1 = Mac(a1, q1[g], x, ones);
        }

        a0.Store(result);
        a1.Store(result + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1Avx512(sbyte* panel, byte* query, int groups, int* result)
    {
        // Two accumulators so consecutive groups do not wait on one add chain.
        var ones = Vector512.Create((short)1);
        var q = (int*)query;
        var a0 = Vector512<int>.Zero;
        var a1 = Vector512<int>.Zero;
        var g = 0;
        for (; g + 2 <= groups; g += 2)
        {
            a0 = Mac(a0, q[g], Vector512.Load(panel + (g * GroupBytes)), ones);
            a1 = Mac(a1, q[g + 1], Vector512.Load(panel + ((g + 1) * GroupBytes)), ones);
        }

        if (g < groups)
        {
            a0 = Mac(a0, q[g], Vector512.Load(panel + (g * GroupBytes)), ones);
        }

        Avx512F.Add(a0, a1).Store(result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Mac2(Vector512<int> acc, int quadA, int quadB, Vector512<sbyte> groupA, Vector512<sbyte> groupB, Vector512<short> ones)
    {
        // 6-bit query bytes: each pair sum is at most 2 * 63 * 127 = 16,002, so two of them add in int16 without overflow.
        var pa = Avx512BW.MultiplyAddAdjacent(Vector512.Create(quadA).AsByte(), groupA);
        var pb = Avx512BW.MultiplyAddAdjacent(Vector512.Create(quadB).AsByte(), groupB);
        return Avx512F.Add(acc, Avx512BW.MultiplyAddAdjacent(Avx512BW.Add(pa, pb), ones));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8Avx512Narrow(sbyte* panel, byte* queries, int stride, int groups, int* result)
    {
        var ones = Vector512.Create((short)1);
        var s = stride / GroupDims;
        var q0 = (int*)queries;
        var q1 = q0 + s;
        var q2 = q1 + s;
        var q3 = q2 + s;
        var q4 = q3 + s;
        var q5 = q4 + s;
        var q6 = q5 + s;
        var q7 = q6 + s;
        var a0 = Vector512<int>.Zero;
        var a1 = Vector512<int>.Zero;
        var a2 = Vector512<int>.Zero;
        var a3 = Vector512<int>.Zero;
        var a4 = Vector512<int>.Zero;
        var a5 = Vector512<int>.Zero;
        var a6 = Vector512<int>.Zero;
        var a7 = Vector512<int>.Zero;
        var g = 0;
        for (; g + 2 <= groups; g += 2)
        {
            var x = Vector512.Load(panel + (g * GroupBytes));
            var y = Vector512.Load(panel + ((g + 1) * GroupBytes));
            a0 = Mac2(a0, q0[g], q0[g + 1], x, y, ones);
            a1 = Mac2(a1, q1[g], q1[g + 1], x, y, ones);
            a2 = Mac2(a2, q2[g], q2[g + 1], x, y, ones);
            a3 = Mac2(a3, q3[g], q3[g + 1], x, y, ones);
            a4 = Mac2(a4, q4[g], q4[g + 1], x, y, ones);
            a5 = Mac2(a5, q5[g], q5[g + 1], x, y, ones);
            a6 = Mac2(a6, q6[g], q6[g + 1], x, y, ones);
            a7 = Mac2(a7, q7[g], q7[g + 1], x, y, ones);
        }

        if (g < groups)
        {
            var x = Vector512.Load(panel + (g * GroupBytes));
            a0 = Mac(a0, q0[g], x, ones);
            a1 = Mac(a1, q1[g], x, ones);
            a2 = Mac(a2, q2[g], x, ones);
            a3 = Mac(a3, q3[g], x, ones);
            a4 = Mac(a4, q4[g], x, ones);
            a5 = Mac(a5, q5[g], x, ones);
            a6 = Mac(a6, q6[g], x, ones);
            a7 = Mac(a7, q7[g], x, ones);
        }

        a0.Store(result);
        a1.Store(result + 16);
        a2.Store(result + 32);
        a3.Store(result + 48);
        a4.Store(result + 64);
        a5.Store(result + 80);
        a6.Store(result + 96);
        a7.Store(result + 112);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4Avx512Narrow(sbyte* panel, byte* queries, int stride, int groups, int* result)
    {
        var ones = Vector512.Create((short)1);
        var s = stride / GroupDims;
        var q0 = (int*)queries;
        var q1 = q0 + s;
        var q2 = q1 + s;
        var q3 = q2 + s;
        var a0 = Vector512<int>.Zero;
        var a1 = Vector512<int>.Zero;
        var a2 = Vector512<int>.Zero;
        var a3 = Vector512<int>.Zero;
        var g = 0;
        for (; g + 2 <= groups; g += 2)
        {
            var x = Vector512.Load(panel + (g * GroupBytes));
            var y = Vector512.Load(panel + ((g + 1) * GroupBytes));
            a0 = Mac2(a0, q0[g], q0[g + 1], x, y, ones);
            a1 = Mac2(a1, q1[g], q1[g + 1], x, y, ones);
            a2 = Mac2(a2, q2[g], q2[g + 1], x, y, ones);
            a3 = Mac2(a3, q3[g], q3[g + 1], x, y, ones);
        }

        if (g < groups)
        {
            var x = Vector512.Load(panel + (g * GroupBytes));
            a0 = Mac(a0, q0[g], x, ones);
            a1 = Mac(a1, q1[g], x, ones);
            a2 = Mac(a2, q2[g], x, ones);
            a3 = Mac(a3, q3[g], x, ones);
        }

        a0.Store(result);
        a1.Store(result + 16);
        a2.Store(result + 32);
        a3.Store(result + 48);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile2Avx512Narrow(sbyte* panel, byte* queries, int stride, int groups, int* result)
    {
        var ones = Vector512.Create((short)1);
        var s = stride / GroupDims;
        var q0 = (int*)queries;
        var q1 = q0 + s;
        var a0 = Vector512<int>.Zero;
        var a1 = Vector512<int>.Zero;
        var g = 0;
        for (; g + 2 <= groups; g += 2)
        {
            var x = Vector512.Load(panel + (g * GroupBytes));
            var y = Vector512.Load(panel + ((g + 1) * GroupBytes));
            a0 = Mac2(a0, q0[g], q0[g + 1], x, y, ones);
            a1 = Mac2(a1, q1[g], q1[g + 1], x, y, ones);
        }

        if (g < groups)
        {
            var x = Vector512.Load(panel + (g * GroupBytes));
            a0 = Mac(a0, q0[g], x, ones);
            a1 = Mac(a1, q1[g], x, ones);
        }

        a0.Store(result);
        a1.Store(result + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1Avx512Narrow(sbyte* panel, byte* queries, int stride, int groups, int* result)
    {
        var ones = Vector512.Create((short)1);
        var s = stride / GroupDims;
        var q0 = (int*)queries;
        var a0 = Vector512<int>.Zero;
        var g = 0;
        for (; g + 2 <= groups; g += 2)
        {
            var x = Vector512.Load(panel + (g * GroupBytes));
            var y = Vector512.Load(panel + ((g + 1) * GroupBytes));
            var q = q0 + g;
            a0 = Mac2(a0, q[0], q[1], x, y, ones);
        }

        if (g < groups)
        {
            var x = Vector512.Load(panel + (g * GroupBytes));
            var q = q0 + g;
            a0 = Mac(a0, q[0], x, ones);
        }

        a0.Store(result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Dp(Vector256<int> acc, int queryQuad, Vector256<sbyte> half) =>
        AvxVnni.MultiplyWideningAndAdd(acc, Vector256.Create(queryQuad).AsByte(), half);

    /// <summary>
    /// Eight queries against one panel with <c>vpdpbusd</c>: a group is two 256-bit halves (rows 0-7 and 8-15), so 16
    /// accumulators; the JIT encodes them with EVEX where AVX-512 is present, so they stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8Vnni(sbyte* panel, byte* queries, int stride, int groups, int* result, sbyte* prefetch)
    {
        var s = stride / GroupDims;
        var q0 = (int*)queries;
        var q1 = q0 + s;
        var q2 = q1 + s;
        var q3 = q2 + s;
        var q4 = q3 + s;
        var q5 = q4 + s;
        var q6 = q5 + s;
        var q7 = q6 + s;
        Vector256<int> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        Vector256<int> a4 = default, b4 = default, a5 = default, b5 = default, a6 = default, b6 = default, a7 = default, b7 = default;
        for (var g = 0; g < groups; g++)
        {
            var x = Vector256.Load(panel + (g * GroupBytes));
            var y = Vector256.Load(panel + (g * GroupBytes) + 32);
            Sse.Prefetch0(prefetch + (g * GroupBytes));
            a0 = Dp(a0, q0[g], x);
            b0 = Dp(b0, q0[g], y);
            a1 = Dp(a1, q1[g], x);
            b1 = Dp(b1, q1[g], y);
            a2 = Dp(a2, q2[g], x);
            b2 = Dp(b2, q2[g], y);
            a3 = Dp(a3, q3[g], x);
            b3 = Dp(b3, q3[g], y);
            a4 = Dp(a4, q4[g], x);
            b4 = Dp(b4, q4[g], y);
            a5 = Dp(a5, q5[g], x);
            b5 = Dp(b5, q5[g], y);
            a6 = Dp(a6, q6[g], x);
            b6 = Dp(b6, q6[g], y);
            a7 = Dp(a7, q7[g], x);
            b7 = Dp(b7, q7[g], y);
        }

        a0.Store(result);
        b0.Store(result + 8);
        a1.Store(result + 16);
        b1.Store(result + 24);
        a2.Store(result + 32);
        b2.Store(result + 40);
        a3.Store(result + 48);
        b3.Store(result + 56);
        a4.Store(result + 64);
        b4.Store(result + 72);
        a5.Store(result + 80);
        b5.Store(result + 88);
        a6.Store(result + 96);
        b6.Store(result + 104);
        a7.Store(result + 112);
        b7.Store(result + 120);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4Vnni(sbyte* panel, byte* queries, int stride, int groups, int* result, sbyte* prefetch)
    {
        var s = stride / GroupDims;
        var q0 = (int*)queries;
        var q1 = q0 + s;
        var q2 = q1 + s;
        var q3 = q2 + s;
        Vector256<int> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        for (var g = 0; g < groups; g++)
        {
            var x = Vector256.Load(panel + (g * GroupBytes));
            var y = Vector256.Load(panel + (g * GroupBytes) + 32);
            Sse.Prefetch0(prefetch + (g * GroupBytes));
            a0 = Dp(a0, q0[g], x);
            b0 = Dp(b0, q0[g], y);
            a1 = Dp(a1, q1[g], x);
            b1 = Dp(b1, q1[g], y);
            a2 = Dp(a2, q2[g], x);
            b2 = Dp(b2, q2[g], y);
            a3 = Dp(a3, q3[g], x);
            b3 = Dp(b3, q3[g], y);
        }

        a0.Store(result);
        b0.Store(result + 8);
        a1.Store(result + 16);
        b1.Store(result + 24);
        a2.Store(result + 32);
        b2.Store(result + 40);
        a3.Store(result + 48);
        b3.Store(result + 56);
    }

    /// <summary>Three queries against one panel: two groups per iteration, so 12 independent accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile3Vnni(sbyte* panel, byte* queries, int stride, int groups, int* result)
    {
        var s = stride / GroupDims;
        var q0 = (int*)queries;
        var q1 = q0 + s;
        var q2 = q1 + s;
        Vector256<int> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default;
        Vector256<int> c0 = default, d0 = default, c1 = default, d1 = default, c2 = default, d2 = default;
        var g = 0;
        for (; g + 2 <= groups; g += 2)
        {
            var p = panel + (g * GroupBytes);
            var x = Vector256.Load(p);
            var y = Vector256.Load(p + 32);
            var u = Vector256.Load(p + GroupBytes);
            var v = Vector256.Load(p + GroupBytes + 32);
            a0 = Dp(a0, q0[g], x);
            b0 = Dp(b0, q0[g], y);
            a1 = Dp(a1, q1[g], x);
            b1 = Dp(b1, q1[g], y);
            a2 = Dp(a2, q2[g], x);
            b2 = Dp(b2, q2[g], y);
            c0 = Dp(c0, q0[g + 1], u);
            d0 = Dp(d0, q0[g + 1], v);
            c1 = Dp(c1, q1[g + 1], u);
            d1 = Dp(d1, q1[g + 1], v);
            c2 = Dp(c2, q2[g + 1], u);
            d2 = Dp(d2, q2[g + 1], v);
        }

        if (g < groups)
        {
            var p = panel + (g * GroupBytes);
            var x = Vector256.Load(p);
            var y = Vector256.Load(p + 32);
            a0 = Dp(a0, q0[g], x);
            b0 = Dp(b0, q0[g], y);
            a1 = Dp(a1, q1[g], x);
            b1 = Dp(b1, q1[g], y);
            a2 = Dp(a2, q2[g], x);
            b2 = Dp(b2, q2[g], y);
        }

        (a0 + c0).Store(result);
        (b0 + d0).Store(result + 8);
        (a1 + c1).Store(result + 16);
        (b1 + d1).Store(result + 24);
        (a2 + c2).Store(result + 32);
        (b2 + d2).Store(result + 40);
    }

    /// <summary>Two queries against one panel: two groups per iteration, so 8 independent accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile2Vnni(sbyte* panel, byte* queries, int stride, int groups, int* result)
    {
        var s = stride / GroupDims;
        var q0 = (int*)queries;
        var q1 = q0 + s;
        Vector256<int> a0 = default, b0 = default, a1 = default, b1 = default;
        Vector256<int> c0 = default, d0 = default, c1 = default, d1 = default;
        var g = 0;
        for (; g + 2 <= groups; g += 2)
        {
            var p = panel + (g * GroupBytes);
            var x = Vector256.Load(p);
            var y = Vector256.Load(p + 32);
            var u = Vector256.Load(p + GroupBytes);
            var v = Vector256.Load(p + GroupBytes + 32);
            a0 = Dp(a0, q0[g], x);
            b0 = Dp(b0, q0[g], y);
            a1 = Dp(a1, q1[g], x);
            b1 = Dp(b1, q1[g], y);
            c0 = Dp(c0, q0[g + 1], u);
            d0 = Dp(d0, q0[g + 1], v);
            c1 = Dp(c1, q1[g + 1], u);
            d1 = Dp(d1, q1[g + 1], v);
        }

        if (g < groups)
        {
            var p = panel + (g * GroupBytes);
            var x = Vector256.Load(p);
            var y = Vector256.Load(p + 32);
            a0 = Dp(a0, q0[g], x);
            b0 = Dp(b0, q0[g], y);
            a1 = Dp(a1, q1[g], x);
            b1 = Dp(b1, q1[g], y);
        }

        (a0 + c0).Store(result);
        (b0 + d0).Store(result + 8);
        (a1 + c1).Store(result + 16);
        (b1 + d1).Store(result + 24);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1Vnni(sbyte* panel, byte* query, int groups, int* result)
    {
        // Two accumulator pairs so consecutive groups do not wait on one add chain.
        var q = (int*)query;
        Vector256<int> a0 = default, b0 = default, a1 = default, b1 = default;
        var g = 0;
        for (; g + 2 <= groups; g += 2)
        {
            var p = panel + (g * GroupBytes);
            a0 = Dp(a0, q[g], Vector256.Load(p));
            b0 = Dp(b0, q[g], Vector256.Load(p + 32));
            a1 = Dp(a1, q[g + 1], Vector256.Load(p + GroupBytes));
            b1 = Dp(b1, q[g + 1], Vector256.Load(p + GroupBytes + 32));
        }

        if (g < groups)
        {
            var p = panel + (g * GroupBytes);
            a0 = Dp(a0, q[g], Vector256.Load(p));
            b0 = Dp(b0, q[g], Vector256.Load(p + 32));
        }

        (a0 + a1).Store(result);
        (b0 + b1).Store(result + 8);
    }

    /// <summary>One query's four bytes against one 256-bit half of a group: <c>vpmaddubsw</c>, <c>vpmaddwd</c> with ones, <c>vpaddd</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Madd(Vector256<int> acc, Vector256<byte> query, Vector256<sbyte> half, Vector256<short> ones) =>
        Avx2.Add(acc, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(query, half), ones));

    /// <summary>Four queries against one panel with AVX2: 8 accumulators, each group's two halves loaded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4Avx2(sbyte* panel, byte* queries, int stride, int groups, int* result, sbyte* prefetch)
    {
        var ones = Vector256.Create((short)1);
        var s = stride / GroupDims;
        var q0 = (int*)queries;
        var q1 = q0 + s;
        var q2 = q1 + s;
        var q3 = q2 + s;
        Vector256<int> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        for (var g = 0; g < groups; g++)
        {
            var x = Vector256.Load(panel + (g * GroupBytes));
            var y = Vector256.Load(panel + (g * GroupBytes) + 32);
            Sse.Prefetch0(prefetch + (g * GroupBytes));
            var c = Vector256.Create(q0[g]).AsByte();
            a0 = Madd(a0, c, x, ones);
            b0 = Madd(b0, c, y, ones);
            c = Vector256.Create(q1[g]).AsByte();
            a1 = Madd(a1, c, x, ones);
            b1 = Madd(b1, c, y, ones);
            c = Vector256.Create(q2[g]).AsByte();
            a2 = Madd(a2, c, x, ones);
            b2 = Madd(b2, c, y, ones);
            c = Vector256.Create(q3[g]).AsByte();
            a3 = Madd(a3, c, x, ones);
            b3 = Madd(b3, c, y, ones);
        }

        a0.Store(result);
        b0.Store(result + 8);
        a1.Store(result + 16);
        b1.Store(result + 24);
        a2.Store(result + 32);
        b2.Store(result + 40);
        a3.Store(result + 48);
        b3.Store(result + 56);
    }

    /// <summary>Three queries against one panel with AVX2: 6 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile3Avx2(sbyte* panel, byte* queries, int stride, int groups, int* result)
    {
        var ones = Vector256.Create((short)1);
        var s = stride / GroupDims;
        var q0 = (int*)queries;
        var q1 = q0 + s;
        var q2 = q1 + s;
        Vector256<int> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default;
        for (var g = 0; g < groups; g++)
        {
            var x = Vector256.Load(panel + (g * GroupBytes));
            var y = Vector256.Load(panel + (g * GroupBytes) + 32);
            var c = Vector256.Create(q0[g]).AsByte();
            a0 = Madd(a0, c, x, ones);
            b0 = Madd(b0, c, y, ones);
            c = Vector256.Create(q1[g]).AsByte();
            a1 = Madd(a1, c, x, ones);
            b1 = Madd(b1, c, y, ones);
            c = Vector256.Create(q2[g]).AsByte();
            a2 = Madd(a2, c, x, ones);
            b2 = Madd(b2, c, y, ones);
        }

        a0.Store(result);
        b0.Store(result + 8);
        a1.Store(result + 16);
        b1.Store(result + 24);
        a2.Store(result + 32);
        b2.Store(result + 40);
    }

    /// <summary>Two queries against one panel with AVX2: 4 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile2Avx2(sbyte* panel, byte* queries, int stride, int groups, int* result)
    {
        var ones = Vector256.Create((short)1);
        var s = stride / GroupDims;
        var q0 = (int*)queries;
        var q1 = q0 + s;
        Vector256<int> a0 = default, b0 = default, a1 = default, b1 = default;
        for (var g = 0; g < groups; g++)
        {
            var x = Vector256.Load(panel + (g * GroupBytes));
            var y = Vector256.Load(panel + (g * GroupBytes) + 32);
            var c = Vector256.Create(q0[g]).AsByte();
            a0 = Madd(a0, c, x, ones);
            b0 = Madd(b0, c, y, ones);
            c = Vector256.Create(q1[g]).AsByte();
            a1 = Madd(a1, c, x, ones);
            b1 = Madd(b1, c, y, ones);
        }

        a0.Store(result);
        b0.Store(result + 8);
        a1.Store(result + 16);
        b1.Store(result + 24);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1Avx2(sbyte* panel, byte* query, int groups, int* result)
    {
        // 256-bit: rows 0-7 are the first 32 bytes of a group, rows 8-15 the second.
        var ones = Vector256.Create((short)1);
        var q = (int*)query;
        var lo = Vector256<int>.Zero;
        var hi = Vector256<int>.Zero;
        for (var g = 0; g < groups; g++)
        {
            var b = Vector256.Create(q[g]).AsByte();
            var p = panel + (g * GroupBytes);
            lo = Madd(lo, b, Vector256.Load(p), ones);
            hi = Madd(hi, b, Vector256.Load(p + 32), ones);
        }

        lo.Store(result);
        hi.Store(result + 8);
    }
}
