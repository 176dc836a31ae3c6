using Biometrics.LoadTest.Engine;

namespace Biometrics.LoadTest.Targets;

/// <summary>An in-process target that answers OK at once: measures the engine itself. Thread-safe.</summary>
public sealed class NoOpTarget : ILoadTarget
{
    private static readonly ValueTask<StepResult> s_ok = new(StepResult.Ok());

    /// <inheritdoc />
    public string Description => "in-process no-op";

    /// <inheritdoc />
    public ValueTask<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken) => s_ok;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
