using System.Text.Json;
using Biometrics.LoadTest.Engine;
using Biometrics.LoadTest.Reports;

namespace Biometrics.LoadTest.Cli;

/// <summary>
/// <c>biometrics-load run</c>: builds the scenarios (from flags or <c>--file scenario.json</c>), runs them,
/// prints the end table, writes the report files and checks the objectives (the SLO flags, and a failed call unless
/// <c>--max-error-rate</c> allows it). Exit codes: <see cref="CommandLine.ExitCodes"/>.
/// </summary>
public static class RunCommand
{
    /// <summary>Runs the command; returns the process exit code.</summary>
    public static async Task<int> ExecuteAsync(ArgumentMap options, string commandLine, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var (scenarios, settings) = Load(options);
        var slo = new SloTargets
        {
            P50Ms = settings.OptionalDouble("p50-ms"),
            P99Ms = settings.OptionalDouble("p99-ms"),
            P999Ms = settings.OptionalDouble("p999-ms"),
            ServerP99Ms = settings.OptionalDouble("server-p99-ms"),
            MinRps = settings.OptionalDouble("min-rps"),
            // A run whose calls fail has measured nothing worth a 0 (docs/LOADTEST.md, "Exit codes"): no failure is
            // allowed unless the command line or scenario file says how many.
            MaxErrorRate = settings.OptionalDouble("max-error-rate") ?? 0,
            MaxDropRate = settings.OptionalDouble("max-drop-rate"),
        };
        var reportDir = settings.String("report-dir", Path.Combine("reports", "loadtest-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture)))!;
        var reportName = settings.String("report-name", "report")!;
        var quiet = settings.Flag("no-progress");
        var title = settings.String("title");
        foreach (var unused in settings.Unused())
        {
            await stderr.WriteLineAsync($"warning: option --{unused} is not used by this run").ConfigureAwait(false);
        }

        try
        {
            var runner = new LoadRunner(scenarios)
            {
                Progress = quiet ? null : new ProgressView(stderr, ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected),
                Title = title,
                CommandLine = commandLine,
            };
            foreach (var s in scenarios)
            {
                await stderr.WriteLineAsync($"{s.Name}: {s.Target.Description}; {string.Join(", ", s.Simulations.Select(ScenarioStatistics.Describe))}; warm-up {s.WarmUp.TotalSeconds:0.##} s").ConfigureAwait(false);
            }

            var report = await runner.RunAsync(cancellationToken).ConfigureAwait(false);
            report.SloChecks = slo.Evaluate(report);
            await stdout.WriteAsync(MarkdownReport.RenderConsoleTable(report)).ConfigureAwait(false);
            var files = ReportWriter.WriteAll(report, reportDir, reportName);
            await stdout.WriteLineAsync("reports: " + string.Join(" ", files)).ConfigureAwait(false);
            foreach (var s in report.Scenarios.Where(s => s.Sent > 0 && s.Ok == 0))
            {
                await stderr.WriteLineAsync($"error: {s.Name}: no call succeeded ({string.Join(", ", s.Statuses.Keys)}){Hint(s.Statuses)}").ConfigureAwait(false);
            }

            return report.Passed ? 0 : 1;
        }
        finally
        {
            foreach (var s in scenarios.Select(s => s.Target).Distinct())
            {
                await s.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>What a new user most likely has to change when every call failed with these statuses.</summary>
    private static string Hint(IReadOnlyDictionary<string, long> statuses)
        => statuses.ContainsKey("UNAUTHENTICATED") || statuses.ContainsKey("PERMISSION_DENIED")
            ? "; check --token-file (against ./run.sh: .data/keys/gate.token, or enrolment.token to enrol)"
            : statuses.ContainsKey("UNAVAILABLE") ? "; is the matcher listening at --target?" : string.Empty;

    /// <summary>
    /// The scenarios and the run-wide settings. A scenario file is <c>{ "scenarios": [ {...}, ... ], ...run-wide options }</c>;
    /// each scenario entry inherits the run-wide options, and command-line flags override both.
    /// </summary>
    public static (IReadOnlyList<Scenario> Scenarios, ArgumentMap Settings) Load(ArgumentMap options)
    {
        if (options.String("file") is not { } file)
        {
            return (ScenarioFactory.Build(options), options);
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = doc.RootElement;
        var entries = new List<JsonElement>();
        var top = new ArgumentMap();
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("scenarios", out var list))
        {
            entries.AddRange(list.EnumerateArray());
            var copy = new Dictionary<string, JsonElement>();
            foreach (var p in root.EnumerateObject().Where(p => !p.NameEquals("scenarios")))
            {
                copy[p.Name] = p.Value;
            }

            top = ArgumentMap.FromJson(JsonSerializer.SerializeToElement(copy), LoadOptions.RunKeys);
        }
        else
        {
            entries.Add(root);
        }

        var settings = top.With(options);
        settings.String("file");
        var scenarios = new List<Scenario>();
        foreach (var entry in entries)
        {
            var merged = top.With(ArgumentMap.FromJson(entry, LoadOptions.RunKeys)).With(options);
            scenarios.AddRange(ScenarioFactory.Build(merged));
        }

        return (scenarios, settings);
    }
}
