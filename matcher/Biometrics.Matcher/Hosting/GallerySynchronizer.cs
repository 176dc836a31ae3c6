using Biometrics.Matcher.Services;
using Biometrics.Matcher.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Biometrics.Matcher.Hosting;

/// <summary>
/// Background service that keeps <see cref="GalleryRegistry"/> equal to the store: loads the snapshot at start, then follows
/// the change stream. When the stream was trimmed past this replica's position, or following fails for another reason,
/// it reloads the snapshot; when the store is down at start it retries until it answers.
/// </summary>
public sealed partial class GallerySynchronizer : BackgroundService
{
    private readonly ITemplateStore _store;
    private readonly GalleryRegistry _registry;
    private readonly ILogger _logger;
    private readonly GalleryCheckpoint? _checkpoint;

    /// <summary>Creates the synchronizer; with a <paramref name="checkpoint"/> that is on, a start reads it instead of the
    /// store snapshot when it is valid (docs/MATCHER.md, "Start-up").</summary>
    public GallerySynchronizer(ITemplateStore store, GalleryRegistry registry, ILogger<GallerySynchronizer> logger, GalleryCheckpoint? checkpoint = null)
    {
        _store = store;
        _registry = registry;
        _logger = logger;
        _checkpoint = checkpoint;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        // Only the first load may come from the local checkpoint (and again after a store failure before it was read).
        var resume = _checkpoint is not null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A checkpoint load is not "loaded" until the follower has applied every change made up to `until`, so a
                // start serves nothing that was erased while it was down (docs/MATCHER.md, "Start-up").
                var resumed = resume ? await _checkpoint!.TryLoadAsync(_registry, stoppingToken).ConfigureAwait(false) : null;
                resume = false;
                var from = resumed?.From
                    ?? (await _registry.ReloadRowsAsync(onTemplate => LoadSnapshotAsync(onTemplate, stoppingToken)).ConfigureAwait(false)).Position;
                var until = resumed?.Latest;
                failures = 0;
                if (until is { } target && RedisTemplateStore.Covers(from, target)) _registry.MarkLoaded();
                await foreach (var change in FollowAsync(from, stoppingToken).ConfigureAwait(false))
                {
                    _registry.Apply(change);
                    if (until is { } caughtUp && !_registry.IsLoaded && RedisTemplateStore.Covers(change.Position, caughtUp)) _registry.MarkLoaded();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (TemplateStreamGapException ex)
            {
                LogGap(_logger, ex.Message);
            }
            catch (Exception ex)
            {
                var delay = Math.Min(2000, 100 << Math.Min(failures++, 5));
                LogFailed(_logger, ex.GetType().Name, ex.Message, delay);
                try
                {
                    await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    // A matcher of split galleries reads only its part of the snapshot (docs/SCALING.md, "Split galleries").
    private Task<TemplateSnapshot> LoadSnapshotAsync(SnapshotTemplateHandler onTemplate, CancellationToken cancellationToken) =>
        _registry.Partition.IsSplit
            ? _store.LoadSnapshotPartRowsAsync(_registry.Partition.SnapshotPart, onTemplate, cancellationToken)
            : _store.LoadSnapshotRowsAsync(onTemplate, cancellationToken);

    // A matcher of split galleries fetches and decrypts only the changes of subjects it holds a row of (docs/SCALING.md,
    // "Split galleries").
    private IAsyncEnumerable<TemplateChange> FollowAsync(ChangeStreamPosition from, CancellationToken cancellationToken) =>
        _registry.Partition.IsSplit
            ? _store.FollowPartAsync(from, _registry.Partition.SnapshotPart, _registry.Holds, cancellationToken)
            : _store.FollowAsync(from, cancellationToken);

    [LoggerMessage(EventId = 511, Level = LogLevel.Warning, Message = "Change stream trimmed past this replica ({Detail}); reloading the snapshot")]
    private static partial void LogGap(ILogger logger, string detail);

    [LoggerMessage(EventId = 512, Level = LogLevel.Warning, Message = "Gallery synchronisation failed ({Type}: {Detail}); retrying in {DelayMs} ms")]
    private static partial void LogFailed(ILogger logger, string type, string detail, int delayMs);
}
