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
/// loaded its galleries from the store snapshot and searched each once, SERVING after.</summary>
/// <remarks>The warm-up search starts each gallery's search worker and compiles its kernels, so the first traveller after
/// a start does not pay for them inside the lane budget (docs/MATCHER.md, "Start-up").</remarks>
public sealed class HealthReporter(HealthServiceImpl health, GalleryRegistry galleries, MatchingOptions options, ILogger<HealthReporter> logger)
    : IHostedService
{
    /// <summary>Service names reported besides the whole server ("").</summary>
    public static readonly string[] Services = ["", "biometrics.v1.Matcher", "biometrics.v1.Enrolment", "biometrics.v1.Operations"];

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
        }
        catch (OperationCanceledException e)
        {
            logger.LogWarning("Warm-up search did not complete: {Reason}", e.Message);
        }
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
