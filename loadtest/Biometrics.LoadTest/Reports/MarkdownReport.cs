using System.Globalization;
using System.Text;

namespace Biometrics.LoadTest.Reports;

/// <summary>The Markdown report (for pull requests and docs) and the plain-text end-of-run table.</summary>
public static class MarkdownReport
{
    /// <summary>Renders the whole report as Markdown (rates in the summary: offered, and successful steps per second).</summary>
    public static string Render(RunReport report)
    {
        var sb = new StringBuilder();
        sb.Append("# Load test: ").AppendLine(report.Title).AppendLine();
        sb.AppendLine(I($"- started {report.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC, finished {report.FinishedUtc:HH:mm:ss} UTC"));
        sb.Append("- load generator: ").AppendLine(report.Machine);
        if (report.CommandLine is not null)
        {
            sb.Append("- command: `").Append(report.CommandLine).AppendLine("`");
        }

        sb.AppendLine().AppendLine("Latency is measured from each request's scheduled time (open model), in milliseconds.").AppendLine();
        sb.AppendLine("| scenario | sent | ok | errors | dropped | offered/s | ok/s | p50 | p90 | p99 | p99.9 | max |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in report.Scenarios)
        {
            var l = s.Latency;
            sb.AppendLine(I($"| {s.Name} | {s.Sent:N0} | {s.Ok:N0} | {s.Errors:N0} | {s.Dropped:N0} | {s.OfferedRps:N1} | {s.OkRps:N1} | {l.P50Ms:0.###} | {l.P90Ms:0.###} | {l.P99Ms:0.###} | {l.P999Ms:0.###} | {l.MaxMs:0.###} |"));
        }

        foreach (var s in report.Scenarios)
        {
            sb.AppendLine().Append("## ").AppendLine(s.Name).AppendLine();
            sb.Append("- target: ").AppendLine(s.Target);
            sb.AppendLine(I($"- model: {s.Model}, arrivals: {s.Arrival}, max in flight: {s.MaxInFlight:N0}, peak in flight: {s.PeakInFlight:N0}"));
            if (s.Messages > 0)
            {
                sb.AppendLine(I($"- request messages: {s.Messages:N0} ({s.MessagesPerSecond:N1}/s)"));
            }

            if (s.SessionsRerouted + s.SessionsReopenedInTime + s.SessionsLost > 0)
            {
                sb.AppendLine(I($"- sessions a matcher could not finish: {s.SessionsReopenedInTime:N0} cut and re-opened in time, {s.SessionsLost:N0} lost, {s.SessionsRerouted:N0} re-routed before they started"));
            }

            sb.Append("- load: ").AppendLine(string.Join(", ", s.Simulations));
            sb.AppendLine(I($"- warm-up {s.WarmUpSeconds:0.##} s ({s.WarmUpSteps:N0} steps, not measured), measured {s.MeasuredSeconds:0.##} s"));
            foreach (var kv in s.Settings)
            {
                sb.Append("- ").Append(kv.Key).Append(": ").AppendLine(kv.Value);
            }

            sb.AppendLine(I($"- error rate {s.ErrorRate:P3}, drop rate {s.DropRate:P3}, unfinished {s.Unfinished:N0}"));
            sb.AppendLine(I($"- service time (from actual send): p50 {s.ServiceTime.P50Ms:0.###} ms, p99 {s.ServiceTime.P99Ms:0.###} ms{ServerTimeText.Clause(s, "; ")}; histogram error <= {s.HistogramRelativeError:P2}"));
            sb.AppendLine().AppendLine("| status | count |").AppendLine("|---|---:|");
            foreach (var kv in s.Statuses)
            {
                sb.AppendLine(I($"| {kv.Key} | {kv.Value:N0} |"));
            }

            if (s.Verdicts.Count > 0)
            {
                sb.AppendLine().AppendLine("| verdict | count |").AppendLine("|---|---:|");
                foreach (var kv in s.Verdicts)
                {
                    sb.AppendLine(I($"| {kv.Key} | {kv.Value:N0} |"));
                }
            }
        }

        if (report.SloChecks.Count > 0)
        {
            sb.AppendLine().AppendLine("## Service-level objectives").AppendLine();
            sb.AppendLine("| scenario | objective | measured | result |").AppendLine("|---|---|---:|---|");
            foreach (var c in report.SloChecks)
            {
                sb.AppendLine(I($"| {c.Scenario} | {c.Objective} | {c.Actual} | {(c.Passed ? "pass" : "**FAIL**")} |"));
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// The compact fixed-width table printed at the end of a run. Its rate column is successful steps per second, so a
    /// run whose calls all failed shows 0, not the rate at which failures came back.
    /// </summary>
    public static string RenderConsoleTable(RunReport report)
    {
        var sb = new StringBuilder();
        var w = Math.Max(8, report.Scenarios.Max(s => s.Name.Length));
        sb.AppendLine(I($"{"scenario".PadRight(w)} {"sent",11} {"ok",11} {"errors",8} {"dropped",8} {"ok/s",10} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"p99.9 ms",9} {"max ms",8}"));
        foreach (var s in report.Scenarios)
        {
            var l = s.Latency;
            sb.AppendLine(I($"{s.Name.PadRight(w)} {s.Sent,11:N0} {s.Ok,11:N0} {s.Errors,8:N0} {s.Dropped,8:N0} {s.OkRps,10:N1} {l.P50Ms,8:0.###} {l.P90Ms,8:0.###} {l.P99Ms,8:0.###} {l.P999Ms,9:0.###} {l.MaxMs,8:0.###}"));
            var statuses = string.Join(", ", s.Statuses.Select(kv => I($"{kv.Key} {kv.Value:N0}")));
            sb.Append("  statuses: ").AppendLine(statuses.Length == 0 ? "-" : statuses);
            sb.Append(I($"  peak in flight: {s.PeakInFlight:N0}"));
            sb.Append(ServerTimeText.Clause(s, "; "));
            sb.AppendLine(s.Messages > 0 ? I($"; request messages {s.Messages:N0} ({s.MessagesPerSecond:N1}/s)") : string.Empty);
            if (s.Verdicts.Count > 0)
            {
                sb.Append("  verdicts: ").AppendLine(string.Join(", ", s.Verdicts.Select(kv => I($"{kv.Key} {kv.Value:N0}"))));
            }
        }

        foreach (var c in report.SloChecks)
        {
            sb.AppendLine(I($"SLO {(c.Passed ? "pass" : "FAIL")}: {c.Scenario}: {c.Objective} (measured {c.Actual})"));
        }

        return sb.ToString();
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
