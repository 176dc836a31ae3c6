using Biometrics.Matcher.Gallery;

namespace Biometrics.Matcher.Core.Tests.Gallery;

public sealed class GallerySearchBatcherTests
{
    private const int Dim = 512;

    [Theory]
    [InlineData(0)] // one worker per core
    [InlineData(1)]
    public async Task SearchAsync_ConcurrentCallers_EachGetsItsOwnResult(int workers)
    {
        using var g = new GalleryIndex("residents", "m1");
        var rng = new Random(20);
        const int N = 2000;
        var v = RandomVectors.Unit(rng, N, Dim);
        g.AddRange(Enumerable.Range(0, N).Select(i => $"s{i}").ToArray(), v);
        await using var batcher = new GallerySearchBatcher(g, new GallerySearchBatcherOptions { MaxBatch = 8, MaxWait = TimeSpan.FromMilliseconds(1), Workers = workers });

        var tasks = Enumerable.Range(0, 64).Select(i => batcher.SearchAsync(v.AsMemory((i * 13) * Dim, Dim), 1 + (i % 3))).ToArray();
        var results = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(1 + (i % 3), results[i].Length);
            Assert.Equal($"s{i * 13}", results[i][0].SubjectId);
        }

        Assert.Equal(64, batcher.QueriesRun);
        Assert.True(batcher.BatchesRun < 64, $"{batcher.BatchesRun} batches for 64 queries");
    }

    [Fact]
    public async Task SearchAsync_OneQueryAtATimeAndBursts_EveryQueryAnswered()
    {
        // A lone query waits MaxWait for a batch that does not fill, a burst wakes a worker at MinBatch: neither may
        // strand a query.
        using var g = new GalleryIndex("watchlist", "m1");
        var rng = new Random(23);
        const int N = 3000;
        var v = RandomVectors.Unit(rng, N, Dim);
        g.AddRange(Enumerable.Range(0, N).Select(i => $"s{i}").ToArray(), v);
        await using var batcher = new GallerySearchBatcher(g);
        for (var i = 0; i < 200; i++)
        {
            var hit = await batcher.SearchAsync(v.AsMemory((i * 7 % N) * Dim, Dim), 1).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal($"s{i * 7 % N}", hit[0].SubjectId);
        }

        for (var burst = 1; burst <= 40; burst += 13)
        {
            var tasks = Enumerable.Range(0, burst).Select(i => batcher.SearchAsync(v.AsMemory(i * Dim, Dim), 2)).ToArray();
            var results = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
            for (var i = 0; i < burst; i++)
            {
                Assert.Equal($"s{i}", results[i][0].SubjectId);
            }
        }
    }

    [Fact]
    public async Task SearchAsync_PlainBatch_StartsAtMinBatchWithoutWaitingMaxWait()
    {
        using var g = new GalleryIndex("watchlist", "m1");
        var v = RandomVectors.Unit(new Random(29), 3000, Dim);
        g.AddRange(Enumerable.Range(0, 3000).Select(i => $"s{i}").ToArray(), v);
        await using var batcher = new GallerySearchBatcher(g, new GallerySearchBatcherOptions { MinBatch = 4, MaxWait = TimeSpan.FromHours(1) });

        var tasks = Enumerable.Range(0, 4).Select(i => batcher.SearchAsync(v.AsMemory(i * 5 * Dim, Dim), 1)).ToArray();
        var results = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["s0", "s5", "s10", "s15"], results.Select(r => r[0].SubjectId));
        Assert.Equal(1, batcher.BatchesRun);
    }

    [Fact]
    public async Task SearchAsync_PlainBatchThatDoesNotFill_StartsAfterMaxWait()
    {
        using var g = new GalleryIndex("watchlist", "m1");
        var v = RandomVectors.Unit(new Random(31), 3000, Dim);
        g.AddRange(Enumerable.Range(0, 3000).Select(i => $"s{i}").ToArray(), v);
        await using var batcher = new GallerySearchBatcher(g, new GallerySearchBatcherOptions { MinBatch = 1000, MaxWait = TimeSpan.FromMilliseconds(20) });

        var hit = await batcher.SearchAsync(v.AsMemory(7 * Dim, Dim), 1).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("s7", hit[0].SubjectId);
    }

    [Fact]
    public async Task DisposeAsync_PlainBatchStillFilling_AnswersItFirst()
    {
        using var g = new GalleryIndex("watchlist", "m1");
        var v = RandomVectors.Unit(new Random(37), 3000, Dim);
        g.AddRange(Enumerable.Range(0, 3000).Select(i => $"s{i}").ToArray(), v);
        var batcher = new GallerySearchBatcher(g, new GallerySearchBatcherOptions { MinBatch = 1000, MaxWait = TimeSpan.FromHours(1) });
        var tasks = Enumerable.Range(0, 3).Select(i => batcher.SearchAsync(v.AsMemory(i * Dim, Dim), 1)).ToArray();

        await batcher.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        var results = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["s0", "s1", "s2"], results.Select(r => r[0].SubjectId));
    }

    [Fact]
    public async Task SearchAsync_InvalidQuery_ThrowsWithoutHurtingOthers()
    {
        using var g = new GalleryIndex("residents", "m1");
        var v = RandomVectors.Unit(new Random(21), 2, Dim);
        g.AddRange(["a", "b"], v);
        await using var batcher = new GallerySearchBatcher(g);
        Assert.Throws<ArgumentException>(() => { _ = batcher.SearchAsync(new float[Dim], 1); });
        Assert.Throws<ArgumentException>(() => { _ = batcher.SearchAsync(new float[3], 1); });
        var ok = await batcher.SearchAsync(v.AsMemory(Dim, Dim), 1).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("b", ok[0].SubjectId);
    }

    [Fact]
    public void Constructor_NegativeWorkers_Throws()
    {
        using var g = new GalleryIndex("residents", "m1");
        Assert.Throws<ArgumentOutOfRangeException>(() => new GallerySearchBatcher(g, new GallerySearchBatcherOptions { Workers = -1 }));
    }

    [Fact]
    public async Task SearchAsync_AfterDispose_Throws()
    {
        using var g = new GalleryIndex("residents", "m1");
        var batcher = new GallerySearchBatcher(g);
        await batcher.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Throws<ObjectDisposedException>(() => { _ = batcher.SearchAsync(RandomVectors.Unit(new Random(1), 1, Dim), 1); });
    }

    [Fact]
    public async Task SearchAsync_CancelledBeforeRun_IsCancelled()
    {
        using var g = new GalleryIndex("residents", "m1");
        g.Upsert("a", RandomVectors.Unit(new Random(22), 1, Dim));
        await using var batcher = new GallerySearchBatcher(g);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var t = batcher.SearchAsync(RandomVectors.Unit(new Random(23), 1, Dim), 1, cts.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => t.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData(0)] // one worker per core
    [InlineData(1)]
    [InlineData(3)]
    public async Task SearchAsync_SharedScanWithStaggeredCallers_Top1IdenticalToExact(int workers)
    {
        var options = new GalleryIndexOptions { QuantizedMinRows = 0, ParallelMinRows = 0, ScanChunkRows = 1024 };
        using var g = new GalleryIndex("residents", "m1", options: options);
        var rng = new Random(30);
        const int N = 5000; // five scan steps, the last one partial
        var v = RandomVectors.Unit(rng, N, Dim);
        g.AddRange(Enumerable.Range(0, N).Select(i => $"s{i}").ToArray(), v);
        var probes = new List<float[]>();
        for (var i = 0; i < 40; i++)
        {
            probes.Add(i % 5 == 4 ? RandomVectors.Unit(rng, 1, Dim) : RandomVectors.Near(rng, v.AsSpan(((i * 677) % N) * Dim, Dim), 0.5f));
        }

        await using var batcher = new GallerySearchBatcher(g, new GallerySearchBatcherOptions { MaxBatch = 16, Workers = workers });
        var tasks = new List<Task<GalleryMatch[]>>();
        for (var i = 0; i < probes.Count; i++)
        {
            tasks.Add(batcher.SearchAsync(probes[i], 1 + (i % 4)));
            if (i % 7 == 0)
            {
                await Task.Delay(1).WaitAsync(TimeSpan.FromSeconds(10)); // later callers join a scan already under way
            }
        }

        var results = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
        for (var i = 0; i < probes.Count; i++)
        {
            var exact = g.Search(probes[i], 1 + (i % 4), GallerySearchMode.Exact);
            Assert.Equal(exact.Length, results[i].Length);
            Assert.Equal(exact[0], results[i][0]);
        }

        Assert.Equal(probes.Count, batcher.QueriesRun);
        Assert.True(batcher.BatchesRun >= 1);
        Assert.True(batcher.ScanSteps >= 5, $"{batcher.ScanSteps} shared-scan steps");
    }

    [Fact]
    public async Task SearchAsync_RowsMovedDuringSharedScan_StillFindsThem()
    {
        var options = new GalleryIndexOptions { QuantizedMinRows = 0, ParallelMinRows = 0, ScanChunkRows = 512 };
        using var g = new GalleryIndex("residents", "m1", options: options);
        var rng = new Random(31);
        const int N = 4000;
        var v = RandomVectors.Unit(rng, N, Dim);
        g.AddRange(Enumerable.Range(0, N).Select(i => $"s{i}").ToArray(), v);
        await using var batcher = new GallerySearchBatcher(g, new GallerySearchBatcherOptions { MaxBatch = 8 });

        // Removing s1, s2, ... swap-moves the last rows to the front, behind a scan that may already have passed it.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var writer = Task.Run(async () =>
        {
            for (var i = 1; i <= 300 && !cts.IsCancellationRequested; i++)
            {
                g.Remove($"s{i}");
                await Task.Delay(1).WaitAsync(TimeSpan.FromSeconds(10));
            }
        });
        var checks = 0;
        while (!writer.IsCompleted)
        {
            var target = N - 1 - (checks % 50); // never removed, moved by the removes
            var hit = await batcher.SearchAsync(v.AsMemory(target * Dim, Dim), 2).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal($"s{target}", hit[0].SubjectId);
            Assert.Equal(1f, hit[0].Score, 4);
            checks++;
        }

        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(checks > 0);
        Assert.True(batcher.ScanSteps > 0);
    }

    [Fact]
    public async Task SearchAsync_InvalidQueryDuringSharedScan_FailsAlone()
    {
        var options = new GalleryIndexOptions { QuantizedMinRows = 0, ScanChunkRows = 256 };
        using var g = new GalleryIndex("residents", "m1", options: options);
        var v = RandomVectors.Unit(new Random(32), 1000, Dim);
        g.AddRange(Enumerable.Range(0, 1000).Select(i => $"s{i}").ToArray(), v);
        await using var batcher = new GallerySearchBatcher(g);
        var ok = batcher.SearchAsync(v.AsMemory(5 * Dim, Dim), 1);
        Assert.Throws<ArgumentException>(() => { _ = batcher.SearchAsync(new float[Dim], 1); });
        Assert.Equal("s5", (await ok.WaitAsync(TimeSpan.FromSeconds(30)))[0].SubjectId);
    }

    [Fact]
    public async Task SearchAsync_SharedScanCannotCertify_GoesRoundAgainAndStaysExact()
    {
        var options = new GalleryIndexOptions { QuantizedMinRows = 0, ParallelMinRows = 0, ScanChunkRows = 512, MinCandidates = 1, CandidateFactor = 1 };
        using var g = new GalleryIndex("residents", "m1", options: options);
        var rng = new Random(33);
        const int N = 3000;
        g.AddRange(Enumerable.Range(0, N).Select(i => $"s{i}").ToArray(), RandomVectors.Unit(rng, N, Dim));
        await using var batcher = new GallerySearchBatcher(g);
        var probes = Enumerable.Range(0, 10).Select(_ => RandomVectors.Unit(rng, 1, Dim)).ToArray();
        var results = await Task.WhenAll(probes.Select(p => batcher.SearchAsync(p, 1))).WaitAsync(TimeSpan.FromSeconds(60));
        for (var i = 0; i < probes.Length; i++)
        {
            Assert.Equal(g.Search(probes[i], 1, GallerySearchMode.Exact)[0], results[i][0]);
        }

        Assert.True(g.QuantizedRetries > 0, "no second round was needed");
        Assert.Equal(probes.Length, batcher.QueriesRun);
    }

    [Fact]
    public async Task DisposeAsync_QueriesInSharedScan_AreAnsweredOrCancelledFirst()
    {
        var options = new GalleryIndexOptions { QuantizedMinRows = 0, ScanChunkRows = 256 };
        using var g = new GalleryIndex("residents", "m1", options: options);
        var v = RandomVectors.Unit(new Random(34), 2000, Dim);
        g.AddRange(Enumerable.Range(0, 2000).Select(i => $"s{i}").ToArray(), v);
        var batcher = new GallerySearchBatcher(g, new GallerySearchBatcherOptions { MaxBatch = 4 });
        using var cts = new CancellationTokenSource();
        var cancelled = batcher.SearchAsync(v.AsMemory(0, Dim), 1, cts.Token);
        var tasks = Enumerable.Range(1, 12).Select(i => batcher.SearchAsync(v.AsMemory(i * 37 * Dim, Dim), 1)).ToArray();
        cts.Cancel();
        await batcher.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        var results = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal($"s{(i + 1) * 37}", results[i][0].SubjectId);
        }

        // Cancelled in flight or answered before the cancellation arrived: either way it does not hang.
        var done = await Task.WhenAny(cancelled, Task.Delay(TimeSpan.FromSeconds(30))).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Same(cancelled, done);
        Assert.True(cancelled.IsCanceled || (await cancelled.WaitAsync(TimeSpan.FromSeconds(30)))[0].SubjectId == "s0");
    }
}
