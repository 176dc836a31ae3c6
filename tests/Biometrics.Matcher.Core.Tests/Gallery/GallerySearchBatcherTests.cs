using Biometrics.Matcher.Gallery;

namespace Biometrics.Matcher.Core.Tests.Gallery;

public sealed class GallerySearchBatcherTests
{
    private const int Dim = 512;

    [Fact]
    public async Task SearchAsync_ConcurrentCallers_EachGetsItsOwnResult()
    {
        using var g = new GalleryIndex("residents", "m1");
        var rng = new Random(20);
        const int N = 2000;
        var v = RandomVectors.Unit(rng, N, Dim);
        g.AddRange(Enumerable.Range(0, N).Select(i => $"s{i}").ToArray(), v);
        await using var batcher = new GallerySearchBatcher(g, new GallerySearchBatcherOptions { MaxBatch = 8, MaxWait = TimeSpan.FromMilliseconds(1) });

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
}
