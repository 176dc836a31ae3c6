using System.Numerics.Tensors;
using Biometrics.LoadTest.Data;

namespace Biometrics.LoadTest.Tests;

public sealed class SyntheticFacesTests
{
    private readonly SyntheticFaces _faces = new(dimension: 512, seed: 11, genuineNoise: 0.5);

    [Fact]
    public void Template_SameSubjectAndSeed_IdenticalUnitVector()
    {
        var a = _faces.Template(123);
        var b = new SyntheticFaces(512, 11).Template(123);

        Assert.Equal(a, b);
        Assert.Equal(1f, TensorPrimitives.Norm(a), 1e-5f);
        Assert.NotEqual(a, new SyntheticFaces(512, 12).Template(123));
    }

    [Fact]
    public void GenuineProbe_ManySubjects_CosineNearExpected()
    {
        var probe = new float[512];
        var expected = 1 / Math.Sqrt(1 + (0.5 * 0.5));
        for (var s = 0; s < 200; s++)
        {
            _faces.GenuineProbe(s, probe: s % 3, probe);
            var cos = TensorPrimitives.Dot(probe, _faces.Template(s));
            Assert.InRange(cos, expected - 0.03, expected + 0.03);
            Assert.Equal(1f, TensorPrimitives.Norm(probe), 1e-5f);
        }
    }

    [Fact]
    public void ImpostorProbe_ManySubjects_CosineNearZero()
    {
        var probe = new float[512];
        for (var s = 0; s < 200; s++)
        {
            _faces.ImpostorProbe(s, 0, probe);
            Assert.InRange(TensorPrimitives.Dot(probe, _faces.Template(s)), -0.25f, 0.25f);
        }
    }

    [Fact]
    public void GenuineProbe_DifferentProbeNumbers_DifferentNoise()
    {
        var a = new float[512];
        var b = new float[512];
        _faces.GenuineProbe(5, 0, a);
        _faces.GenuineProbe(5, 1, b);
        Assert.NotEqual(a, b);
    }
}
