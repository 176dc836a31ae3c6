using System.Diagnostics;
using System.Numerics.Tensors;
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
/// loaded its galleries from the store snapshot and searched each once, SERVING after.</summary>
/// <remarks>The warm-up search starts each gallery's search worker and compiles its kernels, so the first traveller after
/// a start does not pay for them inside the lane budget; while the galleries load, paced searches of a scratch gallery of
/// watchlist size bring the search path to optimised code (docs/MATCHER.md, "Start-up").</remarks>
public sealed class HealthReporter(HealthServiceImpl health, GalleryRegistry galleries, MatchingOptions options, ILogger<HealthReporter> logger)
    : IHostedService
{
    /// <summary>Service names reported besides the whole server ("").</summary>
    public static readonly string[] Services = ["", "biometrics.v1.Matcher", "biometrics.v1.Enrolment", "biometrics.v1.Operations"];

    /// <summary>Rows of the scratch gallery searched while the galleries load: the fewest a gallery is quantised with, so its
    /// searches run the watchlist's code (quantised scan, re-rank, plain batches) and cost little to set up.</summary>
    internal static readonly int LoadWarmUpRows = new GalleryIndexOptions().QuantizedMinRows;

    /// <summary>Searches of the scratch gallery submitted at once, so its batcher forms batches as under load.</summary>
    internal const int LoadWarmUpCallers = 8;

    /// <summary>Pause between rounds of <see cref="LoadWarmUpCallers"/> searches: about 800 searches a second, a few per
    /// cent of one core, so the load beside them keeps its pace.</summary>
    internal static readonly TimeSpan LoadWarmUpPace = TimeSpan.FromMilliseconds(10);

    /// <summary>Longest the scratch searches run when the load takes longer (tier-up is done well within it).</summary>
    internal static readonly TimeSpan LoadWarmUpTime = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _loadWarmUpStop = new();
    private Task _loadWarmUp = Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var s in Services) health.SetStatus(s, ServingStatus.NotServing);
        _loadWarmUp = Task.Run(() => WarmUpWhileLoadingAsync(_loadWarmUpStop.Token), CancellationToken.None);
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
        finally
        {
            // Ends with the load, never after it: the scratch searches stop at the next round (milliseconds).
            await _loadWarmUpStop.CancelAsync().ConfigureAwait(false);
            await _loadWarmUp.ConfigureAwait(false);
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
        }
        catch (OperationCanceledException e)
        {
            logger.LogWarning("Warm-up search did not complete: {Reason}", e.Message);
        }
    }

    /// <summary>
    /// Searches a scratch gallery of <see cref="LoadWarmUpRows"/> random rows through a batcher of its own while the
    /// galleries load, <see cref="LoadWarmUpCallers"/> at a time every <see cref="LoadWarmUpPace"/>, until the load ends
    /// (or <see cref="LoadWarmUpTime"/>). One search compiles the search path at tier 0 only, and a cold replica screened
    /// its first busy lanes with unoptimised heap and dot-product code for 10-20 s while the JIT took 12-14 % of its CPU;
    /// the tiered JIT recompiles a method once it has been called 30 times after no new method was compiled for 100 ms,
    /// so it needs time more than searches, and the load (I/O and memory) gives that time (docs/PERFORMANCE.md, "Busy
    /// lanes (issue 16)"). The scratch gallery is no gallery of the registry: nothing a client, a counter or the
    /// operations board sees changes, and a start that loads at once (an empty store) waits for nothing.
    /// </summary>
    private async Task WarmUpWhileLoadingAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var searches = 0;
        try
        {
            var dimension = options.Dimension;
            var random = new Random(16);
            var rows = new float[LoadWarmUpRows * dimension];
            for (var i = 0; i < LoadWarmUpRows; i++)
            {
                if (cancellationToken.IsCancellationRequested) return;
                RandomUnit(random, rows.AsSpan(i * dimension, dimension));
            }

            var queries = new float[LoadWarmUpCallers][];
            for (var c = 0; c < queries.Length; c++) RandomUnit(random, queries[c] = new float[dimension]);
            using var scratch = new GalleryIndex("warm-up-load", "warm-up", dimension);
            scratch.AddRange([.. Enumerable.Range(0, LoadWarmUpRows).Select(i => "w" + i)], rows);
            await using var batcher = new GallerySearchBatcher(scratch);
            var pending = new Task<GalleryMatch[]>[LoadWarmUpCallers];
            while (!cancellationToken.IsCancellationRequested && Stopwatch.GetElapsedTime(started) < LoadWarmUpTime)
            {
                // Not cancelled mid-round: a round is a few hundred microseconds, and the batcher reads the queries until
                // their searches complete.
                for (var c = 0; c < pending.Length; c++) pending[c] = batcher.SearchAsync(queries[c], options.MaxWatchlistHits);
                await Task.WhenAll(pending).ConfigureAwait(false);
                searches += pending.Length;
                await Task.Delay(LoadWarmUpPace, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The load ended.
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Warm-up searches during the load failed; the replica starts without them");
        }
        finally
        {
            logger.LogInformation("Warm-up while loading: {Searches} scratch searches in {Ms} ms", searches, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static void RandomUnit(Random random, Span<float> v)
    {
        for (var i = 0; i < v.Length; i++) v[i] = random.NextSingle() - 0.5f;
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
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
        _loadWarmUpStop.Cancel();
        foreach (var s in Services) health.SetStatus(s, ServingStatus.NotServing);
        return Task.CompletedTask;
    }
}
