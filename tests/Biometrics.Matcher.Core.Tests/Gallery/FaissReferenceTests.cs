using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Biometrics.Matcher.Gallery;
using Biometrics.Testing;

namespace Biometrics.Matcher.Core.Tests.Gallery;

/// <summary>
/// Cross-checks the gallery against an independent exact search: faiss IndexFlatIP (Debian python3-faiss) run by
/// <c>reference/faiss_reference.py</c>. Fails with a clear message when python3-faiss is missing (setup.sh installs it).
/// </summary>
public sealed class FaissReferenceTests
{
    private const int Dim = 512;
    private const string Python = "/usr/bin/python3";

    [Fact]
    public async Task Search_20kGallery_Top1MatchesFaissIndexFlatIP()
    {
        var rng = new Random(77);
        const int N = 20_000;
        var gallery = RandomVectors.Unit(rng, N, Dim);
        var queries = new List<float>();
        for (var i = 0; i < 60; i++)
        {
            queries.AddRange(RandomVectors.Near(rng, gallery.AsSpan(rng.Next(N) * Dim, Dim), 0.7f));
        }

        queries.AddRange(RandomVectors.Unit(rng, 60, Dim));
        var q = queries.ToArray();
        var nq = q.Length / Dim;

        var dir = Directory.CreateTempSubdirectory("gallery-faiss-");
        try
        {
            var gPath = Path.Combine(dir.FullName, "gallery.f32");
            var qPath = Path.Combine(dir.FullName, "queries.f32");
            await File.WriteAllBytesAsync(gPath, MemoryMarshal.AsBytes(gallery.AsSpan()).ToArray());
            await File.WriteAllBytesAsync(qPath, MemoryMarshal.AsBytes(q.AsSpan()).ToArray());
            var lines = await RunFaissAsync(gPath, qPath, k: 2);
            Assert.Equal(nq, lines.Length);

            using var index = new GalleryIndex("residents", "m1", options: new GalleryIndexOptions { QuantizedMinRows = 0 });
            index.AddRange(Enumerable.Range(0, N).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray(), gallery);
            var exact = index.SearchBatch(q, 2, GallerySearchMode.Exact);
            var quant = index.SearchBatch(q, 2, GallerySearchMode.Quantized);

            var floatTies = 0;
            for (var j = 0; j < nq; j++)
            {
                var f = lines[j].Split('\t');
                var faissTop = f[0];
                var faissScore = float.Parse(f[1], CultureInfo.InvariantCulture);
                var faissSecond = float.Parse(f[3], CultureInfo.InvariantCulture);
                Assert.Equal(faissScore, exact[j][0].Score, 4);
                Assert.Equal(exact[j][0], quant[j][0]);
                if (exact[j][0].SubjectId != faissTop)
                {
                    // Only a float tie (different summation order) may reorder the top two.
                    Assert.True(Math.Abs(faissScore - faissSecond) < 1e-5f, $"query {j}: ours {exact[j][0]} vs faiss {faissTop} {faissScore}");
                    floatTies++;
                }
            }

            Assert.True(floatTies <= 2, $"{floatTies} float ties");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<string[]> RunFaissAsync(string gallery, string queries, int k)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: install Debian python3 and python3-faiss (scripts/setup.sh)");
        var script = Path.Combine(SharedFiles.RepoRoot, "tests", "Biometrics.Matcher.Core.Tests", "reference", "faiss_reference.py");
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { script, gallery, queries, Dim.ToString(CultureInfo.InvariantCulture), k.ToString(CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["OMP_NUM_THREADS"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        try
        {
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException)
        {
            p.Kill();
            throw;
        }

        var err = await stderr.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(p.ExitCode == 0, $"faiss reference failed (exit {p.ExitCode}): {err.Trim()} - install Debian python3-faiss (scripts/setup.sh)");
        return (await stdout.WaitAsync(TimeSpan.FromSeconds(10))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
