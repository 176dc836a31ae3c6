namespace Biometrics.LoadTest.Engine;

/// <summary>An <see cref="ILoadTarget"/> made from a step function (NBomber's <c>Scenario.Create(name, step)</c> shape).</summary>
public sealed class FunctionTarget : ILoadTarget
{
    private readonly Func<StepContext, CancellationToken, ValueTask<StepResult>> _step;

    /// <summary>Wraps <paramref name="step"/>, which must be thread-safe.</summary>
    public FunctionTarget(string description, Func<StepContext, CancellationToken, ValueTask<StepResult>> step)
    {
        Description = description;
        _step = step;
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public ValueTask<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken) => _step(context, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
