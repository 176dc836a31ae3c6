using System.Globalization;
using Biometrics.Testing;
using Xunit.Abstractions;

namespace Biometrics.Vision.Tests.Face;

[Collection(FaceCollection.Name)]
public sealed class FaceAccuracyTests(FacePipelineFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void DeepfacePairs_AllPairs_OneThresholdSeparates()
    {
        var lines = File.ReadAllLines(SharedFiles.Face("deepface", "master.csv")).Skip(1).Where(l => l.Length > 0).ToArray();
        var genuine = new List<(float Score, string Pair)>();
        var impostor = new List<(float Score, string Pair)>();
        foreach (var line in lines)
        {
            var parts = line.Split(',');
            var score = fixture.EmbeddingOf("deepface", parts[0]).Similarity(fixture.EmbeddingOf("deepface", parts[1]));
            (parts[2].Trim() == "Yes" ? genuine : impostor).Add((score, parts[0] + "/" + parts[1]));
        }

        var minGenuine = genuine.MinBy(x => x.Score);
        var maxImpostor = impostor.MaxBy(x => x.Score);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{genuine.Count} genuine pairs: min {minGenuine.Score:F3} ({minGenuine.Pair}), mean {genuine.Average(x => x.Score):F3}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{impostor.Count} impostor pairs: max {maxImpostor.Score:F3} ({maxImpostor.Pair}), mean {impostor.Average(x => x.Score):F3}"));
        Assert.Equal(300, genuine.Count + impostor.Count);
        Assert.True(minGenuine.Score > maxImpostor.Score,
            $"no single threshold separates the pairs: min genuine {minGenuine.Score} <= max impostor {maxImpostor.Score}");
    }

    [Fact]
    public void LfwColor10_EnrolFirstPhoto_IdentifiesOthersTop1AtLeast95Percent()
    {
        var root = SharedFiles.Face("lfw-color-10");
        var people = Directory.GetDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(10, people.Length);
        var gallery = people.Select(p => (Person: p!, Embedding: fixture.EmbeddingOf("lfw-color-10", p!, p + "_0001.jpg"))).ToArray();
        int correct = 0, total = 0;
        foreach (var person in people)
        {
            foreach (var file in Directory.GetFiles(Path.Combine(root, person!)).Select(Path.GetFileName).Where(f => !f!.EndsWith("_0001.jpg", StringComparison.Ordinal)))
            {
                var probe = fixture.EmbeddingOf("lfw-color-10", person!, file!);
                var best = gallery.MaxBy(g => g.Embedding.Similarity(probe));
                total++;
                if (best.Person == person)
                {
                    correct++;
                }
                else
                {
                    output.WriteLine($"miss: {file} -> {best.Person}");
                }
            }
        }

        var rate = (double)correct / total;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"top-1 {correct}/{total} = {rate:P1}"));
        Assert.Equal(90, total);
        Assert.True(rate >= 0.95, $"top-1 identification rate {rate:P1} is below 95%");
    }
}
