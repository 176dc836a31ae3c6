using Biometrics.Matcher.Gallery;

namespace Biometrics.Matcher.Core.Tests.Gallery;

public sealed class GalleryIndexTests
{
    private const int Dim = 512;

    [Fact]
    public void Search_EmptyGallery_ReturnsNoMatches()
    {
        using var g = new GalleryIndex("residents", "m1");
        var q = RandomVectors.Unit(new Random(1), 1, Dim);
        Assert.Empty(g.Search(q, 5));
    }

    [Fact]
    public void Upsert_ThenSearchWithSameVector_FindsItselfWithScoreOne()
    {
        using var g = new GalleryIndex("residents", "m1");
        var rng = new Random(2);
        var v = RandomVectors.Unit(rng, 10, Dim);
        for (var i = 0; i < 10; i++)
        {
            g.Upsert($"s{i}", v.AsSpan(i * Dim, Dim));
        }

        var hits = g.Search(v.AsSpan(3 * Dim, Dim), 3);
        Assert.Equal(3, hits.Length);
        Assert.Equal("s3", hits[0].SubjectId);
        Assert.Equal(1f, hits[0].Score, 4);
        Assert.True(hits[0].Score >= hits[1].Score && hits[1].Score >= hits[2].Score);
    }

    [Fact]
    public void Upsert_UnnormalisedVector_IsStoredNormalised()
    {
        using var g = new GalleryIndex("residents", "m1");
        var v = RandomVectors.Unit(new Random(3), 1, Dim);
        var scaled = v.Select(x => x * 7f).ToArray();
        g.Upsert("a", scaled);
        var stored = new float[Dim];
        Assert.True(g.TryCopyTemplate("a", stored));
        Assert.Equal(1f, (float)Math.Sqrt(stored.Sum(x => (double)x * x)), 4);
    }

    [Fact]
    public void Upsert_ExistingKey_ReplacesTemplate()
    {
        using var g = new GalleryIndex("residents", "m1");
        var v = RandomVectors.Unit(new Random(4), 2, Dim);
        g.Upsert("a", v.AsSpan(0, Dim));
        g.Upsert("a", v.AsSpan(Dim, Dim));
        Assert.Equal(1, g.Count);
        var hit = Assert.Single(g.Search(v.AsSpan(Dim, Dim), 5));
        Assert.Equal(1f, hit.Score, 4);
    }

    [Fact]
    public void Remove_MiddleRow_LastRowMovesAndStaysSearchable()
    {
        using var g = new GalleryIndex("residents", "m1");
        var v = RandomVectors.Unit(new Random(5), 5, Dim);
        for (var i = 0; i < 5; i++)
        {
            g.Upsert($"s{i}", v.AsSpan(i * Dim, Dim));
        }

        Assert.True(g.Remove("s1"));
        Assert.False(g.Remove("s1"));
        Assert.Equal(4, g.Count);
        Assert.False(g.Contains("s1"));
        Assert.Equal("s4", g.Search(v.AsSpan(4 * Dim, Dim), 1)[0].SubjectId);
        Assert.DoesNotContain(g.Search(v.AsSpan(1 * Dim, Dim), 10), m => m.SubjectId == "s1");
    }

    [Theory]
    [InlineData(511)]
    [InlineData(513)]
    public void Upsert_WrongLength_Throws(int length)
    {
        using var g = new GalleryIndex("residents", "m1");
        Assert.Throws<ArgumentException>(() => g.Upsert("a", new float[length]));
    }

    [Fact]
    public void Upsert_NaNOrZero_Throws()
    {
        using var g = new GalleryIndex("residents", "m1");
        var nan = new float[Dim];
        nan[7] = float.NaN;
        Assert.Throws<ArgumentException>(() => g.Upsert("a", nan));
        Assert.Throws<ArgumentException>(() => g.Upsert("a", new float[Dim]));
        Assert.Throws<ArgumentException>(() => g.Search(nan, 1));
    }

    [Fact]
    public void AddRange_RepeatedKey_LastOccurrenceWins()
    {
        using var g = new GalleryIndex("residents", "m1");
        var v = RandomVectors.Unit(new Random(6), 3, Dim);
        g.AddRange(["a", "b", "a"], v);
        Assert.Equal(2, g.Count);
        Assert.Equal("a", g.Search(v.AsSpan(2 * Dim, Dim), 1)[0].SubjectId);
        Assert.Equal(1f, g.Search(v.AsSpan(2 * Dim, Dim), 1)[0].Score, 4);
    }

    [Fact]
    public void AddRange_InvalidVector_AddsNothing()
    {
        using var g = new GalleryIndex("residents", "m1");
        var v = RandomVectors.Unit(new Random(7), 2, Dim);
        v[Dim + 3] = float.PositiveInfinity;
        Assert.Throws<ArgumentException>(() => g.AddRange(["a", "b"], v));
        Assert.Equal(0, g.Count);
    }

    [Fact]
    public void AddRange_InvalidVectorsInSeveralWorkItems_ReportsTheFirstAndAddsNothing()
    {
        using var g = new GalleryIndex("residents", "m1");
        var v = RandomVectors.Unit(new Random(8), 1000, Dim);
        v.AsSpan(900 * Dim, Dim).Clear();
        v[(517 * Dim) + 9] = float.NaN;
        var ex = Assert.Throws<ArgumentException>(() => g.AddRange(Enumerable.Range(0, 1000).Select(i => $"s{i}").ToArray(), v));
        Assert.Contains("embedding 517 contains NaN or infinity", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, g.Count);
    }

    [Fact]
    public void AddRange_ManyWorkItems_EveryRowFindsItself()
    {
        using var g = new GalleryIndex("residents", "m1");
        var v = RandomVectors.Unit(new Random(9), 1000, Dim);
        g.AddRange(Enumerable.Range(0, 1000).Select(i => $"s{i}").ToArray(), v);
        Assert.Equal(1000, g.Count);
        foreach (var i in new[] { 0, 255, 256, 511, 999 })
        {
            var hit = g.Search(v.AsSpan(i * Dim, Dim), 1)[0];
            Assert.Equal($"s{i}", hit.SubjectId);
            Assert.Equal(1f, hit.Score, 4);
        }
    }

    [Fact]
    public void SearchBatch_ManyQueries_EqualsOneByOneSearch()
    {
        using var g = new GalleryIndex("residents", "m1", options: new GalleryIndexOptions { QuantizedMinRows = 0 });
        var rng = new Random(8);
        const int N = 3000;
        g.AddRange(Enumerable.Range(0, N).Select(i => $"s{i}").ToArray(), RandomVectors.Unit(rng, N, Dim));
        var queries = RandomVectors.Unit(rng, 7, Dim); // 7 = one group of four plus a tail of three
        foreach (var mode in new[] { GallerySearchMode.Exact, GallerySearchMode.Quantized })
        {
            var batch = g.SearchBatch(queries, 5, mode);
            Assert.Equal(7, batch.Length);
            for (var j = 0; j < 7; j++)
            {
                Assert.Equal(g.Search(queries.AsSpan(j * Dim, Dim), 5, mode), batch[j]);
            }
        }
    }

    [Fact]
    public void SearchBatch_RepeatedOnOneThreadWithOtherSizes_SameResults()
    {
        // The quantised path reuses the thread's buffers and heaps between calls (SearchScratch): a call with another
        // batch size, k or candidate count in between must not leak into the next answer.
        using var g = new GalleryIndex("watchlist", "m1", options: new GalleryIndexOptions { QuantizedMinRows = 0 });
        var rng = new Random(81);
        const int N = 5000;
        g.AddRange(Enumerable.Range(0, N).Select(i => $"s{i}").ToArray(), RandomVectors.Unit(rng, N, Dim));
        var queries = RandomVectors.Unit(rng, 9, Dim);
        var first = g.SearchBatch(queries, 7, GallerySearchMode.Quantized);
        _ = g.SearchBatch(queries.AsSpan(0, Dim), 1, GallerySearchMode.Quantized);
        _ = g.SearchBatch(queries.AsSpan(0, 3 * Dim), 40, GallerySearchMode.Quantized);
        _ = g.SearchBatch(queries, 7, GallerySearchMode.Exact);
        var again = g.SearchBatch(queries, 7, GallerySearchMode.Quantized);
        var exact = g.SearchBatch(queries, 7, GallerySearchMode.Exact);
        for (var j = 0; j < 9; j++)
        {
            Assert.Equal(first[j], again[j]);
            Assert.Equal(exact[j][0], again[j][0]);
        }
    }

    [Theory]
    [InlineData(GallerySearchMode.Exact)]
    [InlineData(GallerySearchMode.Quantized)]
    public void Search_EqualAndNegativeScores_BestFirstThenByInsertionSlot(GallerySearchMode mode)
    {
        using var g = new GalleryIndex("residents", "m1", options: new GalleryIndexOptions { QuantizedMinRows = 0 });
        var rng = new Random(82);
        var v = RandomVectors.Unit(rng, 1, Dim);
        var minus = v.Select(x => -x).ToArray();
        g.Upsert("far", minus);
        g.Upsert("a", v);
        g.Upsert("b", v);
        g.Upsert("c", v);
        var others = RandomVectors.Unit(rng, 100, Dim);
        for (var i = 0; i < 100; i++)
        {
            g.Upsert($"o{i}", others.AsSpan(i * Dim, Dim));
        }

        var hits = g.Search(v, 104, mode);
        Assert.Equal(["a", "b", "c"], hits.Take(3).Select(h => h.SubjectId));
        Assert.Equal(hits[0].Score, hits[2].Score);
        Assert.Equal("far", hits[^1].SubjectId);
        Assert.Equal(-1f, hits[^1].Score, 4);
        for (var i = 1; i < hits.Length; i++)
        {
            Assert.True(hits[i - 1].Score >= hits[i].Score, $"{hits[i - 1]} before {hits[i]}");
        }

        // The reverse query: the three copies share the lowest score, and come last in slot order.
        var reverse = g.Search(minus, 104, mode);
        Assert.Equal("far", reverse[0].SubjectId);
        Assert.Equal(["a", "b", "c"], reverse.TakeLast(3).Select(h => h.SubjectId));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(7)]
    public void QuantizedSearch_50kRandomWithPlantedNearDuplicates_Top1IdenticalToExact(int bits)
    {
        var rng = new Random(42);
        const int Random = 50_000;
        const int Planted = 150;
        var ids = new List<string>(Random + (2 * Planted));
        var data = new List<float>((Random + (2 * Planted)) * Dim);
        var gallery = RandomVectors.Unit(rng, Random, Dim);
        for (var i = 0; i < Random; i++)
        {
            ids.Add($"r{i}");
        }

        data.AddRange(gallery);

        // Planted pairs: a subject and a near-duplicate of it (cosine ~0.99), so the top two are close competitors.
        var queries = new List<float>();
        for (var p = 0; p < Planted; p++)
        {
            var b = new float[Dim];
            RandomVectors.FillUnit(rng, b);
            ids.Add($"p{p}");
            data.AddRange(b);
            ids.Add($"p{p}-twin");
            data.AddRange(RandomVectors.Near(rng, b, 0.12f));
            queries.AddRange(RandomVectors.Near(rng, b, 0.6f)); // a probe of that subject (cosine ~0.86)
        }

        queries.AddRange(RandomVectors.Unit(rng, 50, Dim)); // probes with no mate in the gallery

        using var g = new GalleryIndex("watchlist", "m1", options: new GalleryIndexOptions { QueryBits = bits });
        g.AddRange(ids, data.ToArray());
        var q = queries.ToArray();
        var exact = g.SearchBatch(q, 5, GallerySearchMode.Exact);
        var quant = g.SearchBatch(q, 5, GallerySearchMode.Quantized);
        var mismatches = 0;
        var topKOverlap = 0;
        for (var j = 0; j < exact.Length; j++)
        {
            Assert.Equal(exact[j][0], quant[j][0]); // same subject and bit-identical score
            mismatches += exact[j].SequenceEqual(quant[j]) ? 0 : 1;
            topKOverlap += exact[j].Intersect(quant[j]).Count();
        }

        Assert.True(topKOverlap >= 0.99 * 5 * exact.Length, $"top-5 overlap {topKOverlap} of {5 * exact.Length}");
        Assert.True(g.ExactFallbacks <= exact.Length / 10, $"exact fallbacks {g.ExactFallbacks} (mismatching top-5 lists {mismatches})");
    }

    [Fact]
    public async Task Search_ConcurrentWithUpsertsAndRemoves_StaysConsistent()
    {
        using var g = new GalleryIndex("residents", "m1", options: new GalleryIndexOptions { QuantizedMinRows = 500 });
        var rng = new Random(9);
        const int N = 2000;
        var v = RandomVectors.Unit(rng, N, Dim);
        g.AddRange(Enumerable.Range(0, N).Select(i => $"s{i}").ToArray(), v);
        var stable = v.AsSpan(0, Dim).ToArray(); // s0 is never touched

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        // Threads of their own: on a 2-core machine the thread pool could start a third task only after the 2 s.
        var writer = Task.Factory.StartNew(() =>
        {
            var r = new Random(10);
            var extra = RandomVectors.Unit(r, 1, Dim);
            var i = 0;
            while (!cts.IsCancellationRequested)
            {
                var id = $"s{1 + r.Next(N - 1)}";
                if (i++ % 2 == 0)
                {
                    g.Remove(id);
                }
                else
                {
                    g.Upsert(id, extra);
                }
            }
        }, TaskCreationOptions.LongRunning);
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() =>
        {
            var checks = 0;
            do
            {
                var hit = g.Search(stable, 3)[0];
                Assert.Equal("s0", hit.SubjectId);
                Assert.Equal(1f, hit.Score, 4);
                checks++;
            }
            while (!cts.IsCancellationRequested);

            return checks;
        }, TaskCreationOptions.LongRunning)).ToArray();

        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(30)); // each reader searches at least once, on its own thread beside the writer
    }

    [Theory]
    [InlineData(37, 3001, 6)] // dimension padded to 40; last panel partly filled; two workers
    [InlineData(37, 3001, 7)]
    [InlineData(512, 65_553, 6)] // crosses a segment boundary with a partial panel in the second segment
    public void QuantizedSearch_OddDimensionPartialPanelsAndRemoves_Top1IdenticalToExact(int dim, int n, int bits)
    {
        var options = new GalleryIndexOptions { QuantizedMinRows = 0, ParallelMinRows = 0, QueryBits = bits };
        using var g = new GalleryIndex("residents", "m1", dim, options);
        var rng = new Random(dim + n);
        var v = RandomVectors.Unit(rng, n, dim);
        g.AddRange(Enumerable.Range(0, n).Select(i => $"s{i}").ToArray(), v);
        for (var i = 0; i < n; i += 97)
        {
            Assert.True(g.Remove($"s{i}")); // swap-remove moves the last row's codes into the hole
        }

        var queries = new float[24 * dim];
        for (var j = 0; j < 24; j++)
        {
            // Mostly probes near a stored row (including the last rows and rows moved by the removes), some strangers.
            var src = j < 16 ? v.AsSpan(((j * 613) % n) * dim, dim) : v.AsSpan((n - 1 - j) * dim, dim);
            var probe = j % 4 == 3 ? RandomVectors.Unit(rng, 1, dim) : RandomVectors.Near(rng, src, 0.3f);
            probe.CopyTo(queries.AsSpan(j * dim));
        }

        var exact = g.SearchBatch(queries, 3, GallerySearchMode.Exact);
        var quant = g.SearchBatch(queries, 3, GallerySearchMode.Quantized);
        for (var j = 0; j < exact.Length; j++)
        {
            Assert.Equal(exact[j][0], quant[j][0]);
        }
    }

    [Theory]
    [InlineData(6)]
    [InlineData(7)]
    public void QuantizedSearch_TooFewCandidatesToCertify_RetriesThenStaysExact(int bits)
    {
        // One candidate per worker: the first round can rarely certify, so the second round (16 candidates) and, failing
        // that, the exact scan must answer; the top-1 stays identical to the exact search either way.
        var options = new GalleryIndexOptions { QuantizedMinRows = 0, ParallelMinRows = 0, MinCandidates = 1, CandidateFactor = 1, QueryBits = bits };
        using var g = new GalleryIndex("residents", "m1", options: options);
        var rng = new Random(50 + bits);
        const int N = 4000;
        g.AddRange(Enumerable.Range(0, N).Select(i => $"s{i}").ToArray(), RandomVectors.Unit(rng, N, Dim));
        var queries = RandomVectors.Unit(rng, 12, Dim); // strangers: no mate, the hardest case for the certificate
        var exact = g.SearchBatch(queries, 1, GallerySearchMode.Exact);
        var quant = g.SearchBatch(queries, 1, GallerySearchMode.Quantized);
        for (var j = 0; j < exact.Length; j++)
        {
            Assert.Equal(exact[j][0], quant[j][0]);
        }

        Assert.True(g.QuantizedRetries > 0, "no second round was needed");
    }

    [Fact]
    public void QuantizedSearch_HugePages_Top1IdenticalToExact()
    {
        using var g = new GalleryIndex("residents", "m1", options: new GalleryIndexOptions { QuantizedMinRows = 0, HugePages = true });
        var rng = new Random(60);
        var v = RandomVectors.Unit(rng, 1500, Dim);
        g.AddRange(Enumerable.Range(0, 1500).Select(i => $"s{i}").ToArray(), v);
        var q = RandomVectors.Unit(rng, 5, Dim);
        var exact = g.SearchBatch(q, 1, GallerySearchMode.Exact);
        var quant = g.SearchBatch(q, 1, GallerySearchMode.Quantized);
        for (var j = 0; j < exact.Length; j++)
        {
            Assert.Equal(exact[j][0], quant[j][0]);
        }
    }
}
