using System.Text.Json;
using System.Text.RegularExpressions;
using Biometrics.LoadTest.Reports;

namespace Biometrics.LoadTest.Tests;

public sealed partial class ReportTests(ReportFixture fixture) : IClassFixture<ReportFixture>
{
    [Fact]
    public void WriteAll_Run_WritesJsonCsvMarkdownAndHtml()
    {
        Assert.Equal(["report.json", "report.csv", "report-timeseries.csv", "report.md", "report.html"], fixture.Files.Select(Path.GetFileName));
        Assert.All(fixture.Files, f => Assert.True(new FileInfo(f).Length > 100, f));
    }

    [Fact]
    public void JsonReport_Run_HoldsCountsPercentilesAndTimeSeries()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture.Directory, "report.json")));
        var scenarios = doc.RootElement.GetProperty("scenarios");
        Assert.Equal(2, scenarios.GetArrayLength());
        var first = scenarios[0];
        Assert.Equal("verify-like", first.GetProperty("name").GetString());
        Assert.Equal(1600, first.GetProperty("sent").GetInt64());
        Assert.True(first.GetProperty("latency").GetProperty("p99Ms").GetDouble() > 0);
        Assert.Equal(4, first.GetProperty("timeSeries").GetArrayLength());
        Assert.Equal(32, first.GetProperty("statuses").GetProperty("UNAVAILABLE").GetInt64());
        Assert.Equal(2 * 1600, first.GetProperty("messages").GetInt64());
        Assert.Equal(32, first.GetProperty("sessionsLost").GetInt64());
        Assert.Equal(32, first.GetProperty("sessionsReopenedInTime").GetInt64());
        Assert.Equal(0, first.GetProperty("sessionsRerouted").GetInt64());
        Assert.True(first.GetProperty("peakInFlight").GetInt64() >= 1);
        Assert.True(scenarios[1].GetProperty("timeSeries")[0].GetProperty("inFlightMax").GetInt64() >= 1);
        Assert.InRange(first.GetProperty("serverTime").GetProperty("p99Ms").GetDouble(), 0.3, 0.302);
        Assert.Equal(1568, first.GetProperty("serverTime").GetProperty("count").GetInt64()); // the 32 failures report none
        Assert.Equal(JsonValueKind.Null, scenarios[1].GetProperty("serverTime").ValueKind);
        Assert.True(first.GetProperty("verdicts").GetProperty("ACCEPT").GetInt64() > 1000);
        Assert.False(doc.RootElement.GetProperty("passed").GetBoolean()); // 2 % errors > 0.1 % allowed
    }

    [Fact]
    public void CsvReport_Run_OneSummaryRowPerScenarioAndOneSeriesRowPerSecond()
    {
        var summary = File.ReadAllLines(Path.Combine(fixture.Directory, "report.csv"));
        Assert.Equal(3, summary.Length);
        Assert.StartsWith("scenario,model,", summary[0], StringComparison.Ordinal);
        Assert.StartsWith("verify-like,open,4,1600,1600,", summary[1], StringComparison.Ordinal);
        var series = File.ReadAllLines(Path.Combine(fixture.Directory, "report-timeseries.csv"));
        Assert.Equal(1 + 4 + 3, series.Length);
        Assert.All(series.Skip(1), l => Assert.Equal(13, l.Split(',').Length));
    }

    [Fact]
    public void Evaluate_ServerP99_PassesWhereTheServerReportsAndFailsWhereItReportsNone()
    {
        var checks = new SloTargets { ServerP99Ms = 1 }.Evaluate(fixture.Report);

        Assert.Collection(checks,
            c => Assert.True(c.Passed && c.Scenario == "verify-like", c.Actual),
            c => Assert.False(c.Passed || c.Scenario != "queue", c.Actual));
    }

    [Fact]
    public void MarkdownReport_Run_HasSummaryStatusVerdictAndSloTables()
    {
        var md = File.ReadAllText(Path.Combine(fixture.Directory, "report.md"));
        Assert.Contains("| scenario | sent | ok | errors |", md, StringComparison.Ordinal);
        Assert.Contains("| verdict | count |", md, StringComparison.Ordinal);
        Assert.Contains("| UNAVAILABLE | 32 |", md, StringComparison.Ordinal);
        Assert.Contains("32 cut and re-opened in time, 32 lost, 0 re-routed", md, StringComparison.Ordinal);
        Assert.Contains("**FAIL**", md, StringComparison.Ordinal);
        var table = MarkdownReport.RenderConsoleTable(fixture.Report);
        Assert.Contains("verify-like", table, StringComparison.Ordinal);
        Assert.Contains("SLO FAIL: verify-like: error rate", table, StringComparison.Ordinal);
    }

    [Fact]
    public void HtmlReport_Run_IsSelfContained()
    {
        var html = File.ReadAllText(Path.Combine(fixture.Directory, "report.html"));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(8, SvgCount().Matches(html).Count);
    }

    [Fact]
    public async Task HtmlReport_InHeadlessChromium_DomHasChartsWithDataPoints()
    {
        var dom = await HeadlessChromium.RunAsync(Path.Combine(fixture.Directory, "report.html"), "--dump-dom");

        Assert.Equal(8, SvgCount().Matches(dom).Count);
        var counts = DataCount().Matches(dom).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        // Per scenario: 4 throughput lines (5 with messages), 1 concurrency line, 4 percentile lines, 1 distribution.
        Assert.Equal((5 + 1 + 4 + 1) + (4 + 1 + 4 + 1), counts.Count);
        Assert.All(counts, c => Assert.True(c > 0));
        Assert.Contains("<circle", dom, StringComparison.Ordinal);
        Assert.Contains("Latency distribution", dom, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HtmlReport_ScreenshotInHeadlessChromium_IsNotBlank()
    {
        var png = Path.Combine(fixture.Directory, "report.png");
        await HeadlessChromium.RunAsync(Path.Combine(fixture.Directory, "report.html"), "--screenshot=" + png, "--window-size=1000,1400", "--hide-scrollbars");

        var image = PngImage.Decode(await File.ReadAllBytesAsync(png));
        Assert.Equal(1000, image.Width);
        Assert.True(image.NonWhiteFraction() > 0.02, $"only {image.NonWhiteFraction():P2} of pixels are not white");
        Assert.True(image.DistinctColours() > 50, $"only {image.DistinctColours()} colours");
    }

    [GeneratedRegex("<svg[ >]")]
    private static partial Regex SvgCount();

    [GeneratedRegex("class=\"series\"[^>]*data-count=\"(\\d+)\"")]
    private static partial Regex DataCount();
}
