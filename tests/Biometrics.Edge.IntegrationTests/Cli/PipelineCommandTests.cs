using System.Text.Json;
using Biometrics.Testing;

namespace Biometrics.Edge.IntegrationTests.Cli;

public sealed class PipelineCommandTests
{
    [Fact]
    public async Task EvalPairs_DeepfaceMaster_SeparatesAllPairsAndEndsWithJson()
    {
        var dir = SharedFiles.Face("deepface");
        var scores = Path.Combine(Path.GetTempPath(), $"scores-{Guid.NewGuid():N}.tsv");
        try
        {
            var run = await CliRun.RunAsync("eval-pairs", "--pairs", Path.Combine(dir, "master.csv"), "--root", dir, "--out", scores);

            Assert.True(run.ExitCode == 0, run.Error);
            using var json = JsonDocument.Parse(run.OutLines[^1]);
            var root = json.RootElement;
            Assert.Equal(300, root.GetProperty("pairs").GetInt32());
            Assert.Equal(1.0, root.GetProperty("accuracy").GetDouble());
            Assert.Equal(0.0, root.GetProperty("eer").GetDouble());
            Assert.Equal(0.0, root.GetProperty("fnmr_at_fmr_1e-2").GetDouble());
            Assert.Equal(0.0, root.GetProperty("fnmr_at_fmr_1e-3").GetDouble());
            Assert.Equal(0, root.GetProperty("no_face").GetInt32());
            Assert.True(root.GetProperty("ms_per_image").GetDouble() > 0);
            Assert.False(root.GetProperty("cross_validated").GetBoolean());
            Assert.Contains(run.OutLines, l => l.StartsWith("accuracy: 1.0000", StringComparison.Ordinal));

            var lines = await File.ReadAllLinesAsync(scores);
            Assert.Equal(301, lines.Length);
            Assert.Equal("path_a\tpath_b\tlabel\tscore", lines[0]);
            Assert.StartsWith("img20.jpg\timg21.jpg\t1\t", lines[1], StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(scores);
        }
    }

    [Fact]
    public async Task EvalPairs_TabSeparatedWithNoFaceImage_CountsAndScoresIt()
    {
        var dir = Directory.CreateTempSubdirectory("eval-pairs-").FullName;
        try
        {
            foreach (var name in new[] { "img1.jpg", "img2.jpg", "img3.jpg" })
            {
                File.Copy(SharedFiles.Face("deepface", name), Path.Combine(dir, name));
            }

            // A grey picture without a face: embedded from the centred crop and counted as no_face.
            using (var blank = Biometrics.Vision.Imaging.Image.Create(200, 200))
            {
                blank.DrawRectangle(0, 0, 200, 200, new Biometrics.Vision.Imaging.BgrColor(128, 128, 128), thickness: -1);
                await File.WriteAllBytesAsync(Path.Combine(dir, "blank.jpg"), blank.EncodeJpeg());
            }

            var pairs = Path.Combine(dir, "pairs.txt");
            await File.WriteAllTextAsync(pairs, "# comment\nimg1.jpg\timg2.jpg\t1\nimg1.jpg\timg3.jpg\t0\n\nimg2.jpg\tblank.jpg\tNo\n");

            var run = await CliRun.RunAsync("eval-pairs", "--pairs", pairs, "--root", dir, "--parallel", "2");

            Assert.True(run.ExitCode == 0, run.Error);
            using var json = JsonDocument.Parse(run.OutLines[^1]);
            Assert.Equal(3, json.RootElement.GetProperty("pairs").GetInt32());
            Assert.Equal(1, json.RootElement.GetProperty("no_face").GetInt32());
            Assert.Equal(4, json.RootElement.GetProperty("images").GetInt32());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Detect_Couple_FindsTwoFacesWithLandmarksQualityAndLiveness()
    {
        var run = await CliRun.RunAsync("detect", SharedFiles.Face("deepface", "couple.jpg"));

        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.OutLines[^1]);
        var faces = json.RootElement.GetProperty("faces");
        Assert.Equal(2, json.RootElement.GetProperty("face_count").GetInt32());
        Assert.Equal(2, faces.GetArrayLength());
        foreach (var face in faces.EnumerateArray())
        {
            Assert.Equal(68, face.GetProperty("landmarks").GetArrayLength());
            Assert.Equal(5, face.GetProperty("five_points").GetArrayLength());
            Assert.True(face.GetProperty("quality").GetProperty("inter_eye_distance").GetDouble() > 20);
            Assert.InRange(face.GetProperty("liveness").GetProperty("live_score").GetDouble(), 0, 1);
            Assert.False(face.GetProperty("fallback").GetBoolean());
        }
    }

    [Fact]
    public async Task EmbedAndCompare_SamePerson_GiveUnitTemplateAndHighScore()
    {
        var a = SharedFiles.Face("deepface", "img1.jpg");
        var b = SharedFiles.Face("deepface", "img2.jpg");

        var embed = await CliRun.RunAsync("embed", a);
        var compare = await CliRun.RunAsync("compare", a, b);

        Assert.True(embed.ExitCode == 0, embed.Error);
        using var e = JsonDocument.Parse(embed.OutLines[^1]);
        var vector = e.RootElement.GetProperty("embedding").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(512, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => v * v)), precision: 3);
        Assert.True(compare.ExitCode == 0, compare.Error);
        using var c = JsonDocument.Parse(compare.OutLines[^1]);
        Assert.True(c.RootElement.GetProperty("score").GetDouble() > 0.404);
    }

    [Fact]
    public async Task Embed_EmbedderOption_PublishedAndRewrittenShareTheIdInt8HasItsOwn()
    {
        var a = SharedFiles.Face("deepface", "img1.jpg");

        var ids = new Dictionary<string, string>();
        var vectors = new Dictionary<string, double[]>();
        foreach (var embedder in new[] { "rewritten", "published", "int8" })
        {
            var run = await CliRun.RunAsync("embed", a, "--embedder", embedder);
            Assert.True(run.ExitCode == 0, run.Error);
            using var json = JsonDocument.Parse(run.OutLines[^1]);
            ids[embedder] = json.RootElement.GetProperty("model_id").GetString()!;
            vectors[embedder] = json.RootElement.GetProperty("embedding").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        }

        // docs/VISION.md: the rewritten copy computes the published function and carries its id; int8 does not.
        Assert.Equal(ids["published"], ids["rewritten"]);
        Assert.NotEqual(ids["published"], ids["int8"]);
        Assert.True(vectors["published"].Zip(vectors["rewritten"]).Sum(p => p.First * p.Second) > 0.9999);
        var bad = await CliRun.RunAsync("embed", a, "--embedder", "fp16");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--embedder must be rewritten or published or int8, not 'fp16'", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_NotAnImage_FailsWithClearMessage()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-image-{Guid.NewGuid():N}.jpg");
        await File.WriteAllTextAsync(path, "hello");
        try
        {
            var run = await CliRun.RunAsync("detect", path);
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("not a JPEG, PNG, BMP or WebP image", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
