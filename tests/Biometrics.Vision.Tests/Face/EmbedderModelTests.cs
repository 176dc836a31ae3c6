using System.Globalization;
using System.Numerics.Tensors;
using Biometrics.Testing;
using Biometrics.Vision.Face;
using Xunit.Abstractions;

namespace Biometrics.Vision.Tests.Face;

/// <summary>
/// The copies of fr_feature that scripts/setup.sh derives (docs/VISION.md, "Embedder model copies") against the published
/// model, on the evaluation sets: deepface master.csv (300 pairs) and lfw-color-10 (top-1 of 90 probes).
/// </summary>
[Collection(FaceCollection.Name)]
public sealed class EmbedderModelTests(FacePipelineFixture fixture, ITestOutputHelper output)
{
    private static readonly string[][] Pairs = File.ReadAllLines(SharedFiles.Face("deepface", "master.csv"))
        .Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();

    [Fact]
    public void Rewritten_DeepfacePairs_ScoresEqualPublishedWithin1e5AndSameModelId()
    {
        var maxDiff = Pairs.Max(p => Math.Abs(Score(EmbedderModel.Rewritten, p) - Score(EmbedderModel.Published, p)));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"max |score difference| over {Pairs.Length} pairs: {maxDiff:E2}"));
        Assert.True(maxDiff <= 1e-5, $"the rewritten copy's scores differ from the published model's by up to {maxDiff}");
        Assert.Equal(fixture.PipelineFor(EmbedderModel.Published).ModelId, fixture.PipelineFor(EmbedderModel.Rewritten).ModelId);
    }

    [Fact]
    public void Int8_DeepfacePairs_AllSeparatedCloseToPublishedWithOwnModelId()
    {
        var genuine = Pairs.Where(p => p[2].Trim() == "Yes").Select(p => Score(EmbedderModel.Int8, p)).ToArray();
        var impostor = Pairs.Where(p => p[2].Trim() != "Yes").Select(p => Score(EmbedderModel.Int8, p)).ToArray();
        var maxDiff = Pairs.Max(p => Math.Abs(Score(EmbedderModel.Int8, p) - Score(EmbedderModel.Published, p)));
        // A published-model template against an int8 probe of the same photo (what mixing the two would compare).
        var selfScores = Pairs.SelectMany(p => p[..2]).Distinct(StringComparer.Ordinal)
            .Select(f => TensorPrimitives.Dot(fixture.EmbeddingOf(EmbedderModel.Published, "deepface", f).Vector, fixture.EmbeddingOf(EmbedderModel.Int8, "deepface", f).Vector))
            .ToArray();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"int8: genuine min {genuine.Min():F4} mean {genuine.Average():F4}, impostor max {impostor.Max():F4} mean {impostor.Average():F4}; " +
            $"max |score - published score| {maxDiff:F4}; published template vs int8 probe of the same photo: min {selfScores.Min():F4} mean {selfScores.Average():F4}"));
        Assert.Equal(300, genuine.Length + impostor.Length);
        Assert.True(genuine.Min() > impostor.Max(), $"no single threshold separates the int8 scores: min genuine {genuine.Min()} <= max impostor {impostor.Max()}");
        Assert.True(maxDiff <= 0.1, $"int8 scores differ from the published model's by up to {maxDiff}");
        Assert.NotEqual(fixture.PipelineFor(EmbedderModel.Published).ModelId, fixture.PipelineFor(EmbedderModel.Int8).ModelId);
    }

    [Fact]
    public void Int8_LfwColor10_IdentifiesAll90Top1()
    {
        var root = SharedFiles.Face("lfw-color-10");
        var people = Directory.GetDirectories(root).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToArray();
        var gallery = people.Select(p => (Person: p, Embedding: fixture.EmbeddingOf(EmbedderModel.Int8, "lfw-color-10", p, p + "_0001.jpg"))).ToArray();
        var misses = new List<string>();
        var total = 0;
        foreach (var person in people)
        {
            foreach (var file in Directory.GetFiles(Path.Combine(root, person)).Select(f => Path.GetFileName(f)!).Where(f => !f.EndsWith("_0001.jpg", StringComparison.Ordinal)))
            {
                var probe = fixture.EmbeddingOf(EmbedderModel.Int8, "lfw-color-10", person, file);
                var best = gallery.MaxBy(g => g.Embedding.Similarity(probe));
                total++;
                if (best.Person != person)
                {
                    misses.Add($"{file} -> {best.Person}");
                }
            }
        }

        output.WriteLine($"int8 top-1 {total - misses.Count}/{total}");
        Assert.Equal(90, total);
        Assert.Empty(misses);
    }

    private float Score(EmbedderModel model, string[] pair) =>
        fixture.EmbeddingOf(model, "deepface", pair[0]).Similarity(fixture.EmbeddingOf(model, "deepface", pair[1]));
}
