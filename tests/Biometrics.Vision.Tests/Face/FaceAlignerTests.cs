using System.Numerics;
using Biometrics.Vision.Face;

namespace Biometrics.Vision.Tests.Face;

public sealed class FaceAlignerTests
{
    [Fact]
    public void EstimateSimilarity_KnownTransform_IsRecovered()
    {
        var reference = FaceAligner.Reference.ToArray();
        const double scale = 2.5, angle = 0.3, tx = 40, ty = -12;
        var source = reference.Select(p => new Vector2(
            (float)(scale * (Math.Cos(angle) * p.X - Math.Sin(angle) * p.Y) + tx),
            (float)(scale * (Math.Sin(angle) * p.X + Math.Cos(angle) * p.Y) + ty))).ToArray();
        var m = FaceAligner.EstimateSimilarity(source, reference);
        for (var i = 0; i < source.Length; i++)
        {
            var x = m[0] * source[i].X + m[1] * source[i].Y + m[2];
            var y = m[3] * source[i].X + m[4] * source[i].Y + m[5];
            Assert.Equal(reference[i].X, x, 1e-3);
            Assert.Equal(reference[i].Y, y, 1e-3);
        }

        Assert.Equal(m[0], m[4], 9);
        Assert.Equal(-m[1], m[3], 9);
    }

    [Fact]
    public void FivePoints_From68_UsesDesignIndices()
    {
        var landmarks = Enumerable.Range(0, 68).Select(i => new Vector2(i, 2 * i)).ToArray();
        var five = FaceAligner.FivePoints(landmarks);
        Assert.Equal(new Vector2(39, 78), five[0]);
        Assert.Equal(new Vector2(45, 90), five[1]);
        Assert.Equal(new Vector2(30, 60), five[2]);
        Assert.Equal(new Vector2(54, 108), five[3]);
        Assert.Equal(new Vector2(59, 118), five[4]);
    }

    [Fact]
    public void FaceBox_IoU_OfIdenticalAndDisjointBoxes()
    {
        var a = new FaceBox(0, 0, 10, 10, 1);
        Assert.Equal(1f, a.IoU(a), 5);
        Assert.Equal(0f, a.IoU(new FaceBox(20, 20, 30, 30, 1)));
        Assert.Equal(1f / 3f, a.IoU(new FaceBox(5, 0, 15, 10, 1)), 5);
    }
}
