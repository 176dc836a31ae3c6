using System.Diagnostics;
using System.Runtime.InteropServices;
using Biometrics.LoadTest.Reports;

namespace Biometrics.LoadTest.Engine;

/// <summary>
/// Runs one or more scenarios at the same time on one clock (NBomber's <c>NBomberRunner</c> shape), with an
/// optional once-a-second progress line, and returns the <see cref="RunReport"/>. Targets are initialised
/// before the clock starts and disposed afterwards by the caller (the runner does not own them).
/// </summary>
public sealed class LoadRunner
{
    private readonly IReadOnlyList<Scenario> _scenarios;

    /// <summary>Prepares a run of <paramref name="scenarios"/>.</summary>
    public LoadRunner(params IReadOnlyList<Scenario> scenarios)
    {
        if (scenarios.Count == 0)
        {
            throw new ArgumentException("nothing to run", nameof(scenarios));
        }

        foreach (var s in scenarios)
        {
            s.Validate();
        }

        if (scenarios.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count() != scenarios.Count)
        {
            throw new ArgumentException("scenario names must be unique", nameof(scenarios));
        }

        _scenarios = scenarios;
    }

    /// <summary>Where the progress line goes (stderr by default; null for none).</summary>
    public ProgressView? Progress { get; init; }

    /// <summary>Title of the report.</summary>
    public string? Title { get; init; }

    /// <summary>Command line recorded in the report.</summary>
    public string? CommandLine { get; init; }

    /// <summary>Initialises the targets, runs every scenario to its end, and reports.</summary>
    public async Task<RunReport> RunAsync(CancellationToken cancellationToken)
    {
        foreach (var s in _scenarios)
        {
            await s.Target.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        var startedUtc = DateTimeOffset.UtcNow;
        // A short lead so the first arrivals are not late because of thread start-up.
        var start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 50);
        var runners = _scenarios.Select(s => new ScenarioRunner(s, start)).ToList();
        using var progressStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = Progress is null ? Task.CompletedTask : Progress.RunAsync(runners, start, progressStop.Token);
        try
        {
            await Task.WhenAll(runners.Select(r => r.RunAsync(cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            await progressStop.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
        }

        return new RunReport
        {
            Title = Title ?? string.Join(" + ", _scenarios.Select(s => s.Name)),
            StartedUtc = startedUtc,
            FinishedUtc = DateTimeOffset.UtcNow,
            Machine = $"{Environment.MachineName}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Trim()}, .NET {Environment.Version}",
            CommandLine = CommandLine,
            Scenarios = runners.Select(r => r.Statistics.ToReport(r.Scenario)).ToList(),
        };
    }
}
