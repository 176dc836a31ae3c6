using System.Diagnostics;
using System.Runtime;
using Grpc.HealthCheck;
using Biometrics.Contract;
using Biometrics.Matcher.Gallery;
using Biometrics.Matcher.Services;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Biometrics.Matcher.Hosting;

/// <summary>Reports <c>grpc.health.v1</c> status: NOT_SERVING (for "" and every biometrics service) until this replica has
/// loaded its galleries from the store snapshot, searched each once and the watchlist for <see cref="TierUpTime"/>, SERVING after.</summary>
/// <remarks>The warm-up search starts each gallery's search worker and compiles its kernels, so the first traveller after
/// a start does not pay for them inside the lane budget (docs/MATCHER.md, "Start-up").</remarks>
public sealed class HealthReporter(HealthServiceImpl health, GalleryRegistry galleries, MatchingOptions options, ILogger<HealthReporter> logger)
    : IHostedService
{
    /// <summary>Service names reported besides the whole server ("").</summary>
    public static readonly string[] Services = ["", "biometrics.v1.Matcher", "biometrics.v1.Enrolment", "biometrics.v1.Operations"];

    /// <summary>How long the warm-up searches the watchlist before SERVING.</summary>
    internal static readonly TimeSpan TierUpTime = TimeSpan.FromSeconds(2);

    /// <summary>Concurrent warm-up searches, so the batchers form batches as under load.</summary>
    internal const int TierUpCallers = 8;

    private readonly CancellationTokenSource _stopping = new();

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var s in Services) health.SetStatus(s, ServingStatus.NotServing);
        _ = ServeWhenLoadedAsync();
        return Task.CompletedTask;
    }

    private async Task ServeWhenLoadedAsync()
    {
        try
        {
            await galleries.WhenLoaded.ConfigureAwait(false);
        }
        catch
        {
            return; // the load failure is logged where it happens; the replica stays NOT_SERVING
        }

        await WarmUpAsync().ConfigureAwait(false);
        ReturnLoadMemory();
        if (_stopping.IsCancellationRequested) return;
        foreach (var s in Services) health.SetStatus(s, ServingStatus.Serving);
    }

    private async Task WarmUpAsync()
    {
        var probe = new float[options.Dimension];
        probe[0] = 1f;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            // A scratch gallery first: galleries created later by enrolment (an empty store at start) find the
            // search kernels compiled too.
            using (var scratch = new GalleryIndex("warm-up", "warm-up", options.Dimension))
            {
                var rows = new float[64 * options.Dimension];
                for (var i = 0; i < 64; i++) rows[i * options.Dimension + i % options.Dimension] = 1f;
                scratch.AddRange([.. Enumerable.Range(0, 64).Select(i => "w" + i)], rows);
                await using var batcher = new GallerySearchBatcher(scratch);
                await batcher.SearchAsync(probe, 1, timeout.Token).ConfigureAwait(false);
            }

            foreach (var (name, modelId, _) in galleries.Describe())
            {
                await galleries.SearchAsync(name, new FaceVector(probe, modelId, ProbeQuality.Unmeasured), 1, timeout.Token).ConfigureAwait(false);
            }

            await TierUpAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            logger.LogWarning("Warm-up search did not complete: {Reason}", e.Message);
        }
    }

    /// <summary>
    /// Searches the watchlist gallery through its batcher, <see cref="TierUpCallers"/> random probes at a time, for
    /// <see cref="TierUpTime"/>: one search compiles the search path at tier 0 only, and a cold replica then screened its
    /// first busy lanes with unoptimised heap and dot-product code while the JIT took 12-14 % of its CPU
    /// (docs/PERFORMANCE.md, "Busy lanes (issue 16)"). The tiered JIT recompiles a method after 30 calls, once no new
    /// method has been compiled for its call-counting delay (100 ms), and with PGO passes an instrumented tier first; the
    /// compiled-method count is no guide to when that is done (it stood still for the first 200 ms of searches), so the
    /// searches run for a fixed time. Costs <see cref="TierUpTime"/> of every start.
    /// </summary>
    private async Task TierUpAsync(CancellationToken cancellationToken)
    {
        // The watchlist only: every gate probe searches it, and its cost does not grow with the residents (a round of
        // searches of a 1,000,000-row gallery would take the start-up time the restart target leaves).
        var watchlist = galleries.Describe().FirstOrDefault(g => g.Count > 0 && g.Name == options.WatchlistGallery);
        if (watchlist.Name is null) return;
        var random = new Random(16);
        var started = Stopwatch.GetTimestamp();
        var searches = 0;
        var pending = new Task<GallerySearchResult>[TierUpCallers];
        while (!cancellationToken.IsCancellationRequested && Stopwatch.GetElapsedTime(started) < TierUpTime)
        {
            for (var c = 0; c < TierUpCallers; c++)
            {
                var probe = new FaceVector(RandomUnit(random, options.Dimension), watchlist.ModelId, ProbeQuality.Unmeasured);
                pending[c] = galleries.SearchAsync(watchlist.Name, probe, options.MaxWatchlistHits, cancellationToken);
            }

            await Task.WhenAll(pending).ConfigureAwait(false);
            searches += TierUpCallers;
        }

        logger.LogInformation("Warm-up: {Searches} watchlist searches in {Ms} ms", searches, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static float[] RandomUnit(Random random, int dimension)
    {
        var v = new float[dimension];
        var sum = 0.0;
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)(random.NextDouble() - 0.5);
            sum += v[i] * v[i];
        }

        var scale = (float)(1 / Math.Sqrt(sum));
        for (var i = 0; i < v.Length; i++) v[i] *= scale;
        return v;
    }

    /// <summary>
    /// One compacting, decommitting full collection before SERVING: the snapshot load leaves the GC heap grown and
    /// fragmented (its buffers, batches and the galleries' growing dictionaries), and Server GC keeps that memory
    /// committed; compacted and given back, the replica holds what it uses (docs/SCALING.md, "What one matcher holds").
    /// Before SERVING, so its pause meets no call.
    /// </summary>
    private void ReturnLoadMemory()
    {
        var before = GC.GetGCMemoryInfo(GCKind.Any);
        var rss = Environment.WorkingSet;
        var started = Stopwatch.GetTimestamp();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var after = GC.GetGCMemoryInfo(GCKind.Any);
        logger.LogInformation(
            "Galleries loaded: RSS {RssBefore} -> {RssAfter} MiB, GC heap {HeapBefore} -> {HeapAfter} MiB, GC committed {CommittedBefore} -> {CommittedAfter} MiB after one compacting collection ({Ms} ms)",
            rss >> 20, Environment.WorkingSet >> 20, before.HeapSizeBytes >> 20, after.HeapSizeBytes >> 20, before.TotalCommittedBytes >> 20,
            after.TotalCommittedBytes >> 20, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        foreach (var s in Services) health.SetStatus(s, ServingStatus.NotServing);
        return Task.CompletedTask;
    }
}
