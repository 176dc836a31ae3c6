using System.Globalization;
using System.Net;
using System.Text;

namespace Biometrics.LoadTest.Reports;

/// <summary>
/// The self-contained HTML report: summary tables and, per scenario, four inline SVG charts (throughput over
/// time, concurrency over time, latency percentiles over time, latency distribution). No scripts, no external fonts or styles.
/// </summary>
public static class HtmlReport
{
    private const string Css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:24px auto;max-width:940px;color:#222;background:#fafafa;padding:0 16px}
        h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
        .meta{color:#555;font-size:13px;margin:2px 0}
        table{border-collapse:collapse;font-size:13px;margin:8px 0 12px;background:#fff}
        th,td{border:1px solid #ddd;padding:4px 8px;text-align:right} th{background:#f0f0f0} td:first-child,th:first-child{text-align:left}
        .pass{color:#17803d;font-weight:600} .fail{color:#c0262d;font-weight:600}
        .chart{display:block;margin:10px 0;border:1px solid #ddd;background:#fff;max-width:100%;height:auto}
        .verdict{font-size:16px;margin:10px 0;padding:8px 12px;border-radius:4px;background:#fff;border:1px solid #ddd}
        """;

    /// <summary>Renders the report page.</summary>
    public static string Render(RunReport report)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Load test: ").Append(E(report.Title)).Append("</title>");
        sb.Append("<style>").Append(Css).Append("</style></head><body>");
        sb.Append("<h1>Load test: ").Append(E(report.Title)).Append("</h1>");
        sb.Append(I($"<p class=\"meta\">{report.StartedUtc:yyyy-MM-dd HH:mm:ss} – {report.FinishedUtc:HH:mm:ss} UTC · {E(report.Machine)}</p>"));
        if (report.CommandLine is not null)
        {
            sb.Append("<p class=\"meta\"><code>").Append(E(report.CommandLine)).Append("</code></p>");
        }

        if (report.SloChecks.Count > 0)
        {
            sb.Append(report.Passed
                ? "<p class=\"verdict pass\">All service-level objectives met.</p>"
                : "<p class=\"verdict fail\">Service-level objectives missed.</p>");
        }

        sb.Append("<p class=\"meta\">Latency is measured from each request's <em>scheduled</em> time (open model), so queueing shows. Milliseconds.</p>");
        sb.Append("<table class=\"summary\"><tr><th>scenario</th><th>sent</th><th>ok</th><th>errors</th><th>dropped</th><th>offered/s</th><th>ok/s</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>");
        foreach (var s in report.Scenarios)
        {
            var l = s.Latency;
            sb.Append(I($"<tr><td>{E(s.Name)}</td><td>{s.Sent:N0}</td><td>{s.Ok:N0}</td><td>{s.Errors:N0}</td><td>{s.Dropped:N0}</td><td>{s.OfferedRps:N1}</td><td>{s.OkRps:N1}</td><td>{l.P50Ms:0.###}</td><td>{l.P90Ms:0.###}</td><td>{l.P99Ms:0.###}</td><td>{l.P999Ms:0.###}</td><td>{l.MaxMs:0.###}</td></tr>"));
        }

        sb.Append("</table>");
        if (report.SloChecks.Count > 0)
        {
            sb.Append("<table class=\"slo\"><tr><th>scenario</th><th>objective</th><th>measured</th><th>result</th></tr>");
            foreach (var c in report.SloChecks)
            {
                sb.Append(I($"<tr><td>{E(c.Scenario)}</td><td>{E(c.Objective)}</td><td>{E(c.Actual)}</td><td class=\"{(c.Passed ? "pass" : "fail")}\">{(c.Passed ? "pass" : "FAIL")}</td></tr>"));
            }

            sb.Append("</table>");
        }

        foreach (var s in report.Scenarios)
        {
            AppendScenario(sb, s);
        }

        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    private static void AppendScenario(StringBuilder sb, ScenarioReport s)
    {
        sb.Append("<section class=\"scenario\"><h2>").Append(E(s.Name)).Append("</h2>");
        sb.Append("<p class=\"meta\">target: ").Append(E(s.Target)).Append("</p>");
        sb.Append(I($"<p class=\"meta\">{E(s.Model)} model, {E(s.Arrival)} arrivals, max in flight {s.MaxInFlight:N0} (--max-in-flight), peak in flight {s.PeakInFlight:N0}{(s.Messages > 0 ? I($" · {s.Messages:N0} request messages, {s.MessagesPerSecond:N1}/s") : string.Empty)} · {E(string.Join(", ", s.Simulations))}</p>"));
        sb.Append(I($"<p class=\"meta\">warm-up {s.WarmUpSeconds:0.##} s ({s.WarmUpSteps:N0} steps, not measured) · measured {s.MeasuredSeconds:0.##} s · error rate {s.ErrorRate:P3} · drop rate {s.DropRate:P3} · unfinished {s.Unfinished:N0}</p>"));
        sb.Append(I($"<p class=\"meta\">service time (from actual send): p50 {s.ServiceTime.P50Ms:0.###} ms, p99 {s.ServiceTime.P99Ms:0.###} ms{ServerTimeText.Clause(s, " · ")} · percentiles within {s.HistogramRelativeError:P2} (log-linear histogram)</p>"));
        if (s.Settings.Count > 0)
        {
            sb.Append("<p class=\"meta\">").Append(E(string.Join(" · ", s.Settings.Select(kv => kv.Key + ": " + kv.Value)))).Append("</p>");
        }

        var ts = s.TimeSeries;
        List<ChartSeries> throughput =
        [
            new ChartSeries("offered", "#9aa5b1", ts.Select(t => ((double)t.Second, (double)(t.Sent + t.Dropped))).ToList()),
            new ChartSeries("completed", "#1f77b4", ts.Select(t => ((double)t.Second, (double)t.Completed)).ToList()),
            new ChartSeries("errors", "#d62728", ts.Select(t => ((double)t.Second, (double)t.Errors)).ToList()),
            new ChartSeries("dropped", "#ff7f0e", ts.Select(t => ((double)t.Second, (double)t.Dropped)).ToList()),
        ];
        if (s.Messages > 0)
        {
            throughput.Add(new ChartSeries("messages sent", "#8c564b", ts.Select(t => ((double)t.Second, (double)t.Messages)).ToList()));
        }

        sb.Append(SvgChart.Render("Throughput over time", "seconds after warm-up", "per second", throughput));
        sb.Append(SvgChart.Render("Concurrency over time", "seconds after warm-up", "steps in flight (max per second)",
        [
            new ChartSeries("in flight", "#17becf", ts.Select(t => ((double)t.Second, (double)t.InFlightMax)).ToList()),
        ]));
        var withData = ts.Where(t => t.Ok + t.Errors > 0).ToList();
        sb.Append(SvgChart.Render("Latency percentiles over time (by scheduled second)", "seconds after warm-up", "latency, ms (log scale)",
        [
            new ChartSeries("p50", "#2ca02c", withData.Select(t => ((double)t.Second, t.P50Ms)).ToList()),
            new ChartSeries("p90", "#1f77b4", withData.Select(t => ((double)t.Second, t.P90Ms)).ToList()),
            new ChartSeries("p99", "#ff7f0e", withData.Select(t => ((double)t.Second, t.P99Ms)).ToList()),
            new ChartSeries("max", "#d62728", withData.Select(t => ((double)t.Second, t.MaxMs)).ToList()),
        ], ChartAxis.Log));

        // The distribution on the usual "nines" axis: x = log10(1 / (1 - p)).
        static double Nines(double p) => Math.Log10(100 / (100 - Math.Min(p, 99.9999)));
        var dist = s.Distribution.Where(p => p.Percentile < 100).Select(p => (Nines(p.Percentile), p.LatencyMs)).ToList();
        sb.Append(SvgChart.Render("Latency distribution", "percentile", "latency, ms (log scale)",
            [new ChartSeries("latency", "#6f42c1", dist)], ChartAxis.Log,
            [(Nines(0), "0%"), (Nines(90), "90%"), (Nines(99), "99%"), (Nines(99.9), "99.9%"), (Nines(99.99), "99.99%"), (Nines(99.999), "99.999%")]));

        sb.Append("<table class=\"statuses\"><tr><th>status</th><th>count</th></tr>");
        foreach (var kv in s.Statuses)
        {
            sb.Append(I($"<tr><td>{E(kv.Key)}</td><td>{kv.Value:N0}</td></tr>"));
        }

        sb.Append("</table>");
        if (s.Verdicts.Count > 0)
        {
            sb.Append("<table class=\"verdicts\"><tr><th>verdict</th><th>count</th></tr>");
            foreach (var kv in s.Verdicts)
            {
                sb.Append(I($"<tr><td>{E(kv.Key)}</td><td>{kv.Value:N0}</td></tr>"));
            }

            sb.Append("</table>");
        }

        sb.Append("</section>");
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
