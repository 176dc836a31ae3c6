using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Biometrics.Protos.V1;
using Biometrics.Testing;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>
/// The Prometheus endpoint of the operations listener (docs/OPERATIONS.md) on a replica of its own (embeddings only) on
/// the fixture's redis-server: a gate run moves the verdict counters and fills the per-RPC and store histograms; the two
/// listeners keep their paths apart; the console's API takes the API's bearer tokens and roles.
/// </summary>
[Collection(MatcherCollection.Name)]
public sealed partial class OperationsMetricsTests(MatcherFixture fx) : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _log = new();
    private MatcherInstance _m = null!;
    private int _metricsPort;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public async Task InitializeAsync()
    {
        _metricsPort = FreePort.Next();
        _m = await MatcherInstance.StartAsync(fx.Redis.EndPoint, fx.KeysDirectory, pipeline: false,
            extra: new Dictionary<string, string?> { ["Telemetry:MetricsPort"] = _metricsPort.ToString(CultureInfo.InvariantCulture) },
            logging: l => l.AddProvider(_log));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _m.DisposeAsync();
    }

    private string Ops(string path) => $"http://127.0.0.1:{_metricsPort}{path}";

    [Fact]
    public async Task Metrics_DuringGateRun_CountersMoveAndHistogramsFill()
    {
        // One lane first, so that every series exists before the run.
        await RunLaneAsync(0);
        var before = await ScrapeAsync();
        var accepts = Value(before, "biometrics_matcher_verdicts_total", "decision=\"ACCEPT\"", "rpc=\"gate_session\"");
        var sessionCalls = Value(before, "http_server_request_duration_seconds_count", "http_route=\"/biometrics.v1.Matcher/GateSession\"");
        var storeCalls = Value(before, "biometrics_matcher_store_duration_seconds_count", "operation=\"append_audit\"");
        var totals = Value(before, "biometrics_matcher_stage_duration_seconds_count", "stage=\"total\"");

        // The gate run: ten lanes, each one session that is accepted on its first probe, then one that runs out of budget.
        await Task.WhenAll(Enumerable.Range(1, 10).Select(RunLaneAsync)).WaitAsync(TimeSpan.FromSeconds(60));
        await BudgetMissAsync();

        // The exporter may answer from a cache for a moment: scrape until the last series has moved (bounded).
        string after;
        var until = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(200);
            after = await ScrapeAsync();
        }
        while (Value(after, "biometrics_matcher_budget_missed_total", "rpc=\"gate_session\"") < 1 && DateTime.UtcNow < until);

        Assert.True(Value(after, "biometrics_matcher_verdicts_total", "decision=\"ACCEPT\"", "rpc=\"gate_session\"") >= accepts + 10, after);
        Assert.True(Value(after, "biometrics_matcher_verdicts_total", "decision=\"REFER\"", "reason=\"budget_exhausted\"") >= 1, after);
        Assert.True(Value(after, "biometrics_matcher_budget_missed_total", "rpc=\"gate_session\"") >= 1, after);
        Assert.True(Value(after, "http_server_request_duration_seconds_count", "http_route=\"/biometrics.v1.Matcher/GateSession\"") >= sessionCalls + 10, after);
        Assert.True(Value(after, "biometrics_matcher_store_duration_seconds_count", "operation=\"append_audit\"") >= storeCalls + 10, after);
        Assert.True(Value(after, "biometrics_matcher_stage_duration_seconds_count", "stage=\"total\"") >= totals + 10, after);
        // Buckets are filled, not only counts: some bucket below +Inf holds the session verdicts.
        Assert.Contains(Lines(after, "biometrics_matcher_stage_duration_seconds_bucket", "stage=\"total\""), l => !l.Contains("le=\"+Inf\"", StringComparison.Ordinal) && Number(l) > 0);
        Assert.True(Value(after, "biometrics_matcher_gallery_size", "gallery=\"residents\"") >= fx.Enrolled.Count, after);
    }

    [Fact]
    public async Task Listeners_KeepTheirPathsApart_AndTheConsoleApiTakesTheApiRoles()
    {
        // gRPC is not served on the operations port, metrics not on the API port.
        using (var wrong = await _http.GetAsync(Ops("/biometrics.v1.Operations/GetStatus"))) Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        using var apiHandler = new SocketsHttpHandler();
        using var api = new HttpClient(apiHandler) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using (var wrong = await api.GetAsync($"{_m.Address}/metrics")) Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);

        // The console's pages are static; its API needs a token whose role may read (operator).
        using (var page = await _http.GetAsync(Ops("/console/"))) Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync("/console/api/board", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync("/console/api/board", "b1.not.a-token"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync("/console/api/board", _m.Token("gate")));
        Assert.True(HttpStatusCode.OK == await StatusAsync("/console/api/board", _m.Token("operator")),
            string.Join("\n", _log.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error).Select(e => e.Message + " " + e.Exception)));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync("/console/api/subject?subject=x", _m.Token("gate")));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync("/console/api/subject?subject=nobody-here", _m.Token("enrolment")));
    }

    private async Task<HttpStatusCode> StatusAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Ops(path));
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    private async Task RunLaneAsync(int lane)
    {
        using var call = _m.Matcher.GateSession(_m.As("gate", 30));
        var v = Vectors.Random(900 + lane);
        await call.RequestStream.WriteAsync(new GateSessionRequest
        {
            Open = new GateSessionOpen { GateId = "metrics-gate", LaneId = "lane-" + lane, BudgetMs = 5000, SessionId = "m" + lane, Claim = new Claim { ReferenceTemplate = Vectors.Embedding(v) } },
        });
        await call.RequestStream.WriteAsync(new GateSessionRequest { Probe = Vectors.Probe(Vectors.Near(v, lane, 0.2f)) });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(Decision.Accept, call.ResponseStream.Current.Verdict.Decision);
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)));
    }

    private async Task BudgetMissAsync()
    {
        using var call = _m.Matcher.GateSession(_m.As("gate", 30));
        await call.RequestStream.WriteAsync(new GateSessionRequest
        {
            Open = new GateSessionOpen { GateId = "metrics-gate", LaneId = "lane-slow", BudgetMs = 200, SessionId = "slow", Claim = new Claim { ReferenceTemplate = Vectors.Embedding(Vectors.Random(999)) } },
        });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal("budget_exhausted", call.ResponseStream.Current.Verdict.Reason);
        await call.RequestStream.CompleteAsync();
    }

    private async Task<string> ScrapeAsync()
    {
        using var response = await _http.GetAsync(Ops("/metrics"));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static IEnumerable<string> Lines(string scrape, string name, params string[] labels) =>
        scrape.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(x => l.Contains(x, StringComparison.Ordinal)));

    // The sum over the series of a name that carry all the labels given (0 when there is none).
    private static double Value(string scrape, string name, params string[] labels) => Lines(scrape, name, labels).Sum(Number);

    private static double Number(string line)
    {
        var m = SampleValue().Match(line);
        return m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"\}\s+([-+0-9.eE]+|NaN)(\s+\d+)?\s*$")]
    private static partial Regex SampleValue();
}
