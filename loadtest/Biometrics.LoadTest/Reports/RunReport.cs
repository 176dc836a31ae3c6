namespace Biometrics.LoadTest.Reports;

/// <summary>The outcome of one run of one or more scenarios: what every report file is rendered from.</summary>
public sealed class RunReport
{
    /// <summary>A title for the run (scenario names by default).</summary>
    public required string Title { get; init; }

    /// <summary>Start time (UTC).</summary>
    public DateTimeOffset StartedUtc { get; init; }

    /// <summary>End time (UTC).</summary>
    public DateTimeOffset FinishedUtc { get; init; }

    /// <summary>Host, cores and runtime the load came from.</summary>
    public required string Machine { get; init; }

    /// <summary>The command line of the run, if any.</summary>
    public string? CommandLine { get; init; }

    /// <summary>Per-scenario results.</summary>
    public required IReadOnlyList<ScenarioReport> Scenarios { get; init; }

    /// <summary>SLO checks asked for on the command line.</summary>
    public IReadOnlyList<SloCheck> SloChecks { get; set; } = [];

    /// <summary>True when every SLO check passed (or none was asked).</summary>
    public bool Passed => SloChecks.All(c => c.Passed);
}
