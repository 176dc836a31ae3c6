using System.Diagnostics;
using Biometrics.LoadTest.Engine;

namespace Biometrics.LoadTest.Tests;

/// <summary>A single server that takes a fixed time per request, first come first served: an M/D/1-like queue.</summary>
internal sealed class SingleServerQueueTarget(TimeSpan service) : ILoadTarget
{
    private readonly Lock _lock = new();
    private readonly long _serviceTicks = (long)(service.TotalSeconds * Stopwatch.Frequency);
    private long _freeAt;

    public string Description => $"single-server queue, {service.TotalMilliseconds} ms per request";

    public async ValueTask<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        long done;
        lock (_lock)
        {
            _freeAt = Math.Max(Stopwatch.GetTimestamp(), _freeAt) + _serviceTicks;
            done = _freeAt;
        }

        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), done);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }

        return StepResult.Ok();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
