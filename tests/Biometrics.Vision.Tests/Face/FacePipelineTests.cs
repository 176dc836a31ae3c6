using System.Globalization;
using System.Numerics;
using Biometrics.Testing;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;
using Xunit.Abstractions;

namespace Biometrics.Vision.Tests.Face;

[Collection(FaceCollection.Name)]
public sealed class FacePipelineTests(FacePipelineFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Detect_Couple_FindsTwoFaces()
    {
        using var image = Image.Load(SharedFiles.Face("deepface", "couple.jpg"));
        var boxes = fixture.Pipeline.Detector.Detect(image);
        foreach (var b in boxes)
        {
            output.WriteLine(b.ToString());
        }

        Assert.Equal(2, boxes.Count);
        Assert.True(boxes[0].Area >= boxes[1].Area, "largest face first");
    }

    [Fact]
    public void Analyze_SelfieManyPeople_FindsSeveralFaces()
    {
        using var image = Image.Load(SharedFiles.Face("deepface", "selfie-many-people.jpg"));
        var faces = fixture.Pipeline.Analyze(image);
        try
        {
            output.WriteLine($"{faces.Count} faces in {image}");
            Assert.True(faces.Count >= 4, $"expected several faces, found {faces.Count}");
            Assert.All(faces, f => Assert.False(f.IsFallback));
            Assert.All(faces, f => Assert.Equal(68, f.Landmarks.Count));
        }
        finally
        {
            foreach (var f in faces)
            {
                f.Dispose();
            }
        }
    }

    [Fact]
    public void Analyze_UniformGreyImage_FindsNoFace()
    {
        using var pipeline = new FacePipeline(new FacePipelineOptions { EnableLiveness = false });
        var grey = new byte[320 * 240 * 3];
        Array.Fill(grey, (byte)128);
        using var image = Image.FromPixels(grey, 320, 240, 3);
        Assert.Empty(pipeline.Analyze(image));
    }

    [Fact]
    public void Analyze_NoFaceWithFallback_ReturnsOneFlaggedCentredCrop()
    {
        var grey = new byte[200 * 160 * 3];
        Array.Fill(grey, (byte)90);
        using var image = Image.FromPixels(grey, 200, 160, 3);
        var faces = fixture.Pipeline.Analyze(image);
        try
        {
            var face = Assert.Single(faces);
            Assert.True(face.IsFallback);
            Assert.Equal(0f, face.Score);
            Assert.Equal(100f, face.Box.CenterX, 1e-3);
            Assert.Equal(80f, face.Box.CenterY, 1e-3);
            Assert.Equal(112, face.AlignedFace.Width);
        }
        finally
        {
            foreach (var f in faces)
            {
                f.Dispose();
            }
        }
    }

    [Fact]
    public void Analyze_OnePixelImage_FindsNoFaceWithoutCrashing()
    {
        using var image = Image.FromPixels(new byte[] { 10, 20, 30 }, 1, 1, 3);
        Assert.Empty(fixture.Pipeline.Analyze(image));
    }

    [Fact]
    public void Analyze_GreyscaleInput_FindsTheFace()
    {
        using var color = Image.Load(SharedFiles.Face("deepface", "img1.jpg"));
        using var gray = color.ToGray();
        var faces = fixture.Pipeline.Analyze(gray);
        try
        {
            Assert.NotEmpty(faces);
            Assert.False(faces[0].IsFallback);
        }
        finally
        {
            foreach (var f in faces)
            {
                f.Dispose();
            }
        }
    }

    [Fact]
    public void Process_CorruptBytes_ThrowsImageDecodeException()
    {
        var bytes = File.ReadAllBytes(SharedFiles.Face("deepface", "img1.jpg"));
        var corrupt = bytes.Take(200).Concat(new byte[5000]).ToArray();
        var ex = Assert.ThrowsAny<Exception>(() => fixture.Pipeline.Process(corrupt).Dispose());
        output.WriteLine(ex.Message);
        Assert.IsType<ImageDecodeException>(ex);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 })]
    public void Process_NotAnImage_ThrowsImageDecodeException(byte[] bytes)
    {
        var ex = Assert.Throws<ImageDecodeException>(() => fixture.Pipeline.Process(bytes).Dispose());
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Process_Photo_ReturnsNormalisedEmbeddingWithModelId()
    {
        using var result = fixture.Pipeline.Process(File.ReadAllBytes(SharedFiles.Face("deepface", "img2.jpg")));
        var face = Assert.Single(result.Faces);
        var embedding = Assert.Single(result.Embeddings);
        Assert.Equal(512, embedding.Vector.Length);
        Assert.Equal(1.0, System.Numerics.Tensors.TensorPrimitives.Norm(embedding.Vector), 3);
        Assert.Matches("^fr_feature-[0-9a-f]{12}$", embedding.ModelId);
        Assert.Equal("fr_feature-87aacdfe5751", embedding.ModelId);
        Assert.Equal(112, face.AlignedFace.Width);
        Assert.NotNull(face.Liveness);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"quality: IED {face.Quality.InterEyeDistance:F1}px sharp {face.Quality.Sharpness:F0} bright {face.Quality.Brightness:F0} yaw {face.Quality.Yaw:F1} pitch {face.Quality.Pitch:F1} roll {face.Quality.Roll:F1}; live {face.Liveness!.LiveScore:F3}"));
        Assert.InRange(face.Quality.Roll, -30, 30);
        Assert.InRange(face.Quality.Yaw, -45, 45);
        Assert.True(face.Quality.InterEyeDistance > 20);
    }

    [Fact]
    public void Embed_FlipAverage_StaysCloseToPlainEmbedding()
    {
        using var image = Image.Load(SharedFiles.Face("deepface", "img3.jpg"));
        var faces = fixture.Pipeline.Analyze(image);
        try
        {
            var plain = fixture.Pipeline.Embed(faces[0]);
            using var flipEmbedder = new FaceEmbedder(Biometrics.Vision.RuntimeDependencies.Model("fr_feature.onnx")) { FlipAverage = true };
            var averaged = flipEmbedder.Embed(faces[0].AlignedFace);
            var batch = fixture.Pipeline.Embed(faces);
            Assert.Equal(plain.Vector.ToArray(), batch[0].Vector.ToArray());
            var similarity = plain.Similarity(averaged);
            output.WriteLine($"plain vs flip-averaged cosine {similarity:F3}");
            Assert.InRange(similarity, 0.8f, 1.0001f);
        }
        finally
        {
            foreach (var f in faces)
            {
                f.Dispose();
            }
        }
    }

    [Fact]
    public void Analyze_RotatedFace_RollFollowsRotation()
    {
        using var image = Image.Load(SharedFiles.Face("deepface", "img1.jpg"));
        var cx = image.Width / 2.0;
        var cy = image.Height / 2.0;
        var angle = 15 * Math.PI / 180;
        double[] m = [Math.Cos(angle), -Math.Sin(angle), cx - Math.Cos(angle) * cx + Math.Sin(angle) * cy,
                      Math.Sin(angle), Math.Cos(angle), cy - Math.Sin(angle) * cx - Math.Cos(angle) * cy];
        using var rotated = image.WarpAffine(m, image.Width, image.Height);
        var a = fixture.Pipeline.Analyze(image);
        var b = fixture.Pipeline.Analyze(rotated);
        try
        {
            var delta = b[0].Quality.Roll - a[0].Quality.Roll;
            output.WriteLine($"roll {a[0].Quality.Roll:F1} -> {b[0].Quality.Roll:F1}");
            Assert.InRange(delta, 8, 22);
            Assert.True(fixture.Pipeline.Embed(a[0]).Similarity(fixture.Pipeline.Embed(b[0])) > 0.6f, "alignment should undo the rotation");
        }
        finally
        {
            foreach (var f in a.Concat(b))
            {
                f.Dispose();
            }
        }
    }

    [Fact]
    public void Analyze_ConcurrentCalls_AgreeWithSequential()
    {
        string[] files = ["img1.jpg", "img2.jpg", "img4.jpg", "img5.jpg"];
        var images = files.Select(f => Image.Load(SharedFiles.Face("deepface", f))).ToArray();
        try
        {
            var expected = images.Select(EmbedFirst).ToArray();
            var results = new float[images.Length][];
            Parallel.For(0, images.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => results[i] = EmbedFirst(images[i]));
            for (var i = 0; i < images.Length; i++)
            {
                Assert.Equal(expected[i], results[i]);
            }
        }
        finally
        {
            foreach (var image in images)
            {
                image.Dispose();
            }
        }
    }

    private float[] EmbedFirst(Image image)
    {
        var faces = fixture.Pipeline.Analyze(image);
        try
        {
            return fixture.Pipeline.Embed(faces[0]).ToArray();
        }
        finally
        {
            foreach (var f in faces)
            {
                f.Dispose();
            }
        }
    }
}
