using System.Runtime.Intrinsics.X86;
using Biometrics.Matcher.Gallery;

namespace Biometrics.Matcher.Core.Tests.Gallery;

public sealed unsafe class Int8KernelsTests
{
    private const int P = Int8Kernels.PanelRows;

    [Theory]
    [InlineData(512, 1, 7)]
    [InlineData(512, 2, 7)]
    [InlineData(512, 4, 7)]
    [InlineData(512, 8, 7)]
    [InlineData(512, 15, 7)] // 8 + 4 + 2 + 1
    [InlineData(128, 7, 7)]
    [InlineData(40, 3, 7)]
    [InlineData(37, 5, 7)] // not a multiple of four: padded
    [InlineData(6, 8, 7)]
    [InlineData(1, 1, 7)]
    [InlineData(512, 1, 6)]
    [InlineData(512, 2, 6)]
    [InlineData(512, 4, 6)]
    [InlineData(512, 8, 6)]
    [InlineData(512, 15, 6)]
    [InlineData(44, 9, 6)] // odd number of groups: the last group is widened alone
    [InlineData(37, 5, 6)]
    [InlineData(4, 3, 6)] // a single group
    [InlineData(1, 1, 6)]
    public void ScorePanel_RandomCodes_EqualsScalarReference(int dim, int queries, int bits)
    {
        var rng = new Random((dim * 31) + queries + bits);
        var rows = RandomCodes(rng, P, dim);
        var q = RandomQueryBytes(rng, queries, dim, bits);
        AssertPanelMatchesReference(rows, q, dim, queries, bits);
    }

    [Theory]
    [InlineData(127, 127, 7)] // largest positive pair sum: 2 * 127 * 127 = 32,258, just under the int16 limit
    [InlineData(127, -127, 7)] // most negative pair sum
    [InlineData(1, -127, 7)]
    [InlineData(64, 0, 7)]
    [InlineData(63, 127, 6)] // two groups' pair sums added in int16: 4 * 63 * 127 = 32,004
    [InlineData(63, -127, 6)]
    [InlineData(1, 127, 6)]
    [InlineData(32, -1, 6)]
    public void ScorePanel_ExtremeCodes_DoesNotSaturate(int queryByte, int code, int bits)
    {
        foreach (var dim in new[] { 512, 36 })
        {
            var rows = Enumerable.Repeat((sbyte)code, P * dim).ToArray();
            var q = Enumerable.Repeat((byte)queryByte, Int8Kernels.MaxTile * dim).ToArray();
            var raw = ScoreThroughPanel(rows, q, dim, Int8Kernels.MaxTile, bits);
            Assert.All(raw, s => Assert.Equal(queryByte * code * dim, s));
        }
    }

    [Theory]
    [InlineData(7)]
    [InlineData(6)]
    public void ScorePanel_MixedExtremes_EqualsScalarReference(int bits)
    {
        // Alternating -127/127 codes against the largest and smallest query bytes: pair sums sit at the ends of their range.
        const int Dim = 64;
        var rng = new Random(5);
        var rows = new sbyte[P * Dim];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = rng.Next(2) == 0 ? (sbyte)-127 : (sbyte)127;
        }

        var q = new byte[3 * Dim];
        var top = (byte)((1 << bits) - 1);
        for (var i = 0; i < q.Length; i++)
        {
            q[i] = rng.Next(2) == 0 ? (byte)1 : top;
        }

        AssertPanelMatchesReference(rows, q, Dim, 3, bits);
    }

    [Theory]
    [InlineData(512)]
    [InlineData(37)]
    public void StoreRowLoadRow_RoundTrip_KeepsCodesAndZeroPadding(int dim)
    {
        var rng = new Random(dim);
        var rows = RandomCodes(rng, P, dim);
        var panel = new sbyte[Int8Kernels.PanelBytes(dim)];
        fixed (sbyte* p = panel)
        {
            for (var i = 0; i < P; i++)
            {
                Int8Kernels.StoreRow(p, i, rows.AsSpan(i * dim, dim));
            }

            var back = new sbyte[dim];
            for (var i = 0; i < P; i++)
            {
                Int8Kernels.LoadRow(p, i, back);
                Assert.Equal(rows.AsSpan(i * dim, dim).ToArray(), back);
            }
        }

        var padded = Int8Kernels.PaddedDimension(dim);
        for (var g = dim; g < padded; g++)
        {
            for (var i = 0; i < P; i++)
            {
                Assert.Equal(0, panel[((g / 4) * Int8Kernels.GroupBytes) + (i * 4) + (g % 4)]);
            }
        }
    }

    [Theory]
    [InlineData(7)]
    [InlineData(6)]
    public void OffsetCorrection_RandomVectors_EqualsSignedDotOfCodes(int bits)
    {
        const int Dim = 512;
        var rng = new Random(12);
        var g = RandomVectors.Unit(rng, P, Dim);
        var q = RandomVectors.Unit(rng, 1, Dim);
        var codes = new sbyte[P * Dim];
        var sums = new int[P];
        for (var i = 0; i < P; i++)
        {
            Int8Kernels.QuantizeRow(g.AsSpan(i * Dim, Dim), codes.AsSpan(i * Dim, Dim), out _, out _, out _, out sums[i]);
            Assert.Equal(codes.AsSpan(i * Dim, Dim).ToArray().Sum(c => c), sums[i]);
        }

        var qb = new byte[Dim];
        Int8Kernels.QuantizeQuery(q, qb, bits, out _, out _);
        var raw = ScoreThroughPanel(codes, qb, Dim, 1, bits);
        for (var i = 0; i < P; i++)
        {
            var signed = 0;
            for (var k = 0; k < Dim; k++)
            {
                signed += (qb[k] - Int8Kernels.QueryOffset(bits)) * codes[(i * Dim) + k];
            }

            Assert.Equal(signed, raw[i] - (Int8Kernels.QueryOffset(bits) * sums[i]));
        }
    }

    [Theory]
    [InlineData(512, 7)]
    [InlineData(37, 7)]
    [InlineData(512, 6)]
    [InlineData(37, 6)]
    public void QuantizeQuery_UnitVector_BytesInRangeResidualWithinHalfStepPaddingIsOffset(int dim, int bits)
    {
        var q = RandomVectors.Unit(new Random(13), 1, dim);
        var code = new byte[Int8Kernels.PaddedDimension(dim)];
        Int8Kernels.QuantizeQuery(q, code, bits, out var scale, out var residual);
        var top = (2 * Int8Kernels.QueryCodeMax(bits)) + 1;
        Assert.All(code.Take(dim), b => Assert.InRange(b, 1, top));
        Assert.Contains(code.Take(dim), b => b == 1 || b == top); // the largest component uses the full range
        Assert.All(code.Skip(dim), b => Assert.Equal(Int8Kernels.QueryOffset(bits), b));
        Assert.True(residual <= scale / 2 * Math.Sqrt(dim));
        double err = 0;
        for (var i = 0; i < dim; i++)
        {
            var e = q[i] - (scale * (code[i] - Int8Kernels.QueryOffset(bits)));
            err += e * e;
        }

        Assert.Equal(Math.Sqrt(err), residual, 4);
    }

    [Fact]
    public void QuantizeRow_UnitVector_ResidualWithinHalfStep()
    {
        var v = RandomVectors.Unit(new Random(11), 1, 512);
        var code = new sbyte[512];
        Int8Kernels.QuantizeRow(v, code, out var scale, out var residual, out var codeNorm, out var sum);
        Assert.Equal(127, code.Max(c => Math.Abs((int)c)));
        Assert.True(residual <= scale / 2 * Math.Sqrt(512));
        Assert.Equal(1f, codeNorm, 2);
        Assert.Equal(code.Sum(c => c), sum);
    }

    private static sbyte[] RandomCodes(Random rng, int rows, int dim)
    {
        var c = new sbyte[rows * dim];
        for (var i = 0; i < c.Length; i++)
        {
            c[i] = (sbyte)rng.Next(-127, 128);
        }

        return c;
    }

    /// <summary>Query bytes, row-major with the padded stride the kernel expects (padding = offset, like QuantizeQuery).</summary>
    private static byte[] RandomQueryBytes(Random rng, int queries, int dim, int bits)
    {
        var q = new byte[queries * dim];
        for (var i = 0; i < q.Length; i++)
        {
            q[i] = (byte)rng.Next(0, 1 << bits);
        }

        return q;
    }

    private static void AssertPanelMatchesReference(sbyte[] rows, byte[] q, int dim, int queries, int bits)
    {
        var raw = ScoreThroughPanel(rows, q, dim, queries, bits);
        for (var j = 0; j < queries; j++)
        {
            for (var i = 0; i < P; i++)
            {
                var expected = 0;
                for (var k = 0; k < dim; k++)
                {
                    expected += q[(j * dim) + k] * rows[(i * dim) + k];
                }

                Assert.Equal(expected, raw[(j * P) + i]);
            }
        }
    }

    /// <summary>Lays rows out as one panel, pads the queries, and runs the SIMD kernel and its scalar reference; both must agree.</summary>
    [Theory]
    [MemberData(nameof(EveryTileSize))]
    public void ScorePanel_EveryQueryCountEvenAndOddGroups_EqualsScalarReference(int dim, int queries)
    {
        // 1-17 queries: every split into tiles of 8, 4, 3, 2 and 1 (AVX2: 4, 3, 2 and 1); 44 and 4 dimensions give an odd number of groups
        // (the two-group loops' last group alone), 37 a padded one.
        var rng = new Random((dim * 131) + queries);
        var rows = RandomCodes(rng, P, dim);
        var q = RandomQueryBytes(rng, queries, dim, Int8Kernels.WideQueryBits);
        AssertPanelMatchesReference(rows, q, dim, queries, Int8Kernels.WideQueryBits);
    }

    public static TheoryData<int, int> EveryTileSize()
    {
        var data = new TheoryData<int, int>();
        foreach (var dim in new[] { 512, 44, 37, 4 })
        {
            for (var queries = 1; queries <= 17; queries++)
            {
                data.Add(dim, queries);
            }
        }

        return data;
    }

    private static int[] ScoreThroughPanel(sbyte[] rows, byte[] q, int dim, int queries, int bits)
    {
        var dp = Int8Kernels.PaddedDimension(dim);
        var panel = new sbyte[Int8Kernels.PanelBytes(dim)];
        var qp = new byte[queries * dp];
        Array.Fill(qp, (byte)Int8Kernels.QueryOffset(bits));
        for (var j = 0; j < queries; j++)
        {
            q.AsSpan(j * dim, dim).CopyTo(qp.AsSpan(j * dp));
        }

        var simd = new int[queries * P];
        var madd = new int[queries * P];
        var avx2 = new int[queries * P];
        var scalar = new int[queries * P];
        fixed (sbyte* p = panel)
        fixed (byte* qq = qp)
        fixed (int* s = simd)
        fixed (int* m = madd)
        fixed (int* a = avx2)
        fixed (int* r = scalar)
        {
            for (var i = 0; i < P; i++)
            {
                Int8Kernels.StoreRow(p, i, rows.AsSpan(i * dim, dim));
            }

            Int8Kernels.ScorePanel(p, qq, queries, dp / Int8Kernels.GroupDims, s, bits);
            Int8Kernels.ScorePanelMultiplyAdd(p, qq, queries, dp / Int8Kernels.GroupDims, m, bits); // the path without VNNI
            if (Avx2.IsSupported)
            {
                // The AVX2 tiles whichever path this CPU takes (VNNI or AVX-512BW would hide them), prefetching a panel
                // that is not the one scored.
                Int8Kernels.ScorePanelAvx2(p, qq, queries, dp / Int8Kernels.GroupDims, a, p + 1);
            }

            Int8Kernels.ScorePanelScalar(p, qq, queries, dp / Int8Kernels.GroupDims, r);
        }

        Assert.Equal(scalar, simd);
        Assert.Equal(scalar, madd);
        if (Avx2.IsSupported)
        {
            Assert.Equal(scalar, avx2);
        }

        return simd;
    }
}
