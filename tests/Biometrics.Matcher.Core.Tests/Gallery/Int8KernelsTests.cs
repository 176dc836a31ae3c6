using Biometrics.Matcher.Gallery;

namespace Biometrics.Matcher.Core.Tests.Gallery;

public sealed unsafe class Int8KernelsTests
{
    [Theory]
    [InlineData(512)]
    [InlineData(128)]
    [InlineData(40)]
    public void Dot4AndDot1_RandomCodes_EqualScalarReference(int dim)
    {
        var rng = new Random(dim);
        var row = new sbyte[dim];
        var q = new short[4 * dim];
        for (var i = 0; i < dim; i++)
        {
            row[i] = (sbyte)rng.Next(-127, 128);
        }

        for (var i = 0; i < q.Length; i++)
        {
            q[i] = (short)rng.Next(-Int8Kernels.QueryCodeMaxFor(dim), Int8Kernels.QueryCodeMaxFor(dim) + 1);
        }

        var res = stackalloc int[4];
        fixed (sbyte* r = row)
        fixed (short* qp = q)
        {
            Int8Kernels.Dot4(r, qp, qp + dim, qp + (2 * dim), qp + (3 * dim), dim, res);
            for (var t = 0; t < 4; t++)
            {
                var expected = Int8Kernels.DotScalar(r, qp + (t * dim), dim);
                Assert.Equal(expected, res[t]);
                Assert.Equal(expected, Int8Kernels.Dot1(r, qp + (t * dim), dim));
            }
        }
    }

    [Fact]
    public void Dot1_ExtremeCodes_DoesNotOverflow()
    {
        const int Dim = 512;
        var row = Enumerable.Repeat((sbyte)127, Dim).ToArray();
        var q = Enumerable.Repeat((short)Int8Kernels.QueryCodeMaxFor(Dim), Dim).ToArray();
        fixed (sbyte* r = row)
        fixed (short* qp = q)
        {
            Assert.Equal(127L * Int8Kernels.QueryCodeMaxFor(Dim) * Dim, Int8Kernels.Dot1(r, qp, Dim));
        }
    }

    [Fact]
    public void QuantizeRow_UnitVector_ResidualWithinHalfStep()
    {
        var v = RandomVectors.Unit(new Random(11), 1, 512);
        var code = new sbyte[512];
        Int8Kernels.QuantizeRow(v, code, out var scale, out var residual, out var codeNorm);
        Assert.Equal(127, code.Max(c => Math.Abs((int)c)));
        Assert.True(residual <= scale / 2 * Math.Sqrt(512));
        Assert.Equal(1f, codeNorm, 2);
    }
}
