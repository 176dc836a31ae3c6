using Biometrics.Matcher.Configuration;
using Biometrics.Matcher.Services;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Biometrics.Matcher.Hosting;

/// <summary>
/// Decides when the local gallery checkpoint is written (docs/MATCHER.md, "Start-up"): at once when no file reflects the
/// galleries (after a load from the store), <see cref="CheckpointSettings.ErasureRewriteSeconds"/> after an erasure was
/// applied, every <see cref="CheckpointSettings.IntervalSeconds"/> while other changes arrive, and at a graceful shutdown.
/// A failed write is logged and tried again later (the file is only a cache).
/// </summary>
public sealed partial class GalleryCheckpointWriter(GalleryCheckpoint checkpoint, GalleryRegistry registry, CheckpointSettings settings,
    ILogger<GalleryCheckpointWriter> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!checkpoint.IsEnabled) return;
        try
        {
            await registry.WhenLoaded.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            return; // stopping, or the registry was disposed before loading
        }

        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1));
        DateTime? erasedSince = null;
        var notBefore = DateTime.MinValue;
        var failures = 0;
        try
        {
            do
            {
                var now = DateTime.UtcNow;
                if (registry.ErasuresApplied != checkpoint.WrittenErasures) erasedSince ??= now;
                else erasedSince = null;
                var due = checkpoint.WrittenChanges < 0
                    || (erasedSince is { } t && now - t >= TimeSpan.FromSeconds(settings.ErasureRewriteSeconds))
                    || (registry.ChangesApplied != checkpoint.WrittenChanges && now - checkpoint.LastWritten >= TimeSpan.FromSeconds(settings.IntervalSeconds));
                if (!due || now < notBefore) continue;
                try
                {
                    await checkpoint.WriteAsync(registry, stoppingToken).ConfigureAwait(false);
                    failures = 0;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    var delay = TimeSpan.FromSeconds(Math.Min(settings.ErasureRewriteSeconds, 1 << Math.Min(failures++, 5)));
                    notBefore = DateTime.UtcNow + delay;
                    LogFailed(logger, ex.GetType().Name, ex.Message, delay.TotalSeconds);
                }
            }
            while (await tick.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc />
    /// <remarks>A graceful shutdown writes the checkpoint once more when the galleries changed since the last write, within
    /// the host's shutdown time (<paramref name="cancellationToken"/>).</remarks>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (!checkpoint.IsEnabled || !registry.IsLoaded || registry.ChangesApplied == checkpoint.WrittenChanges) return;
        try
        {
            await checkpoint.WriteAsync(registry, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex.GetType().Name, ex.Message, 0);
        }
    }

    [LoggerMessage(EventId = 517, Level = LogLevel.Warning, Message = "Writing the gallery checkpoint failed ({Type}: {Detail}); trying again in {DelaySeconds} s")]
    private static partial void LogFailed(ILogger logger, string type, string detail, double delaySeconds);
}
