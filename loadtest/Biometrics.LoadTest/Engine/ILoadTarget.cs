namespace Biometrics.LoadTest.Engine;

/// <summary>
/// The thing a scenario exercises: one step is one request (or one gate session). Implementations must be
/// safe to call from many threads at once; the engine calls <see cref="ExecuteAsync"/> at the scheduled rate
/// whether or not earlier calls have finished (open model). Exceptions escaping a step are counted as errors
/// with status <c>EXCEPTION</c>; targets should rather map their failures to a <see cref="StepResult"/>.
/// </summary>
public interface ILoadTarget : IAsyncDisposable
{
    /// <summary>A short human-readable description for reports (address, method, sizes).</summary>
    string Description { get; }

    /// <summary>Called once before the scenario starts (connect, prepare payloads).</summary>
    ValueTask InitializeAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Runs one step. Must not block the calling thread for long: return a pending task instead.</summary>
    ValueTask<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken);
}
