using System.Diagnostics;
using Biometrics.Edge.Connection;
using Biometrics.Edge.Gate;
using Biometrics.Edge.Telemetry;
using Biometrics.Matcher.Hosting;
using Biometrics.Matcher.Telemetry;
using Biometrics.Protos.V1;
using Biometrics.Testing;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Biometrics.Edge.IntegrationTests.EndToEnd;

/// <summary>
/// One gate session's trace spans the edge, the matcher and the store (docs/OPERATIONS.md, "Traces"): the edge's
/// traveller span (its own tracer provider, as <c>biometrics-gate</c> builds it) and the matcher's server and store spans
/// (the host's tracer provider, <c>Telemetry:Tracing</c>) share one trace id, carried by <c>traceparent</c> in the gRPC
/// call's metadata. Real redis-server, real matcher host, the agent's own <see cref="TravellerSession"/>; in-memory exporters.
/// </summary>
public sealed class GateTraceTests : IAsyncLifetime
{
    private const string ModelId = "fr_feature-87aacdfe5751"; // the model of the checked-in calibration.json
    private readonly List<Activity> _matcherSpans = [];
    private readonly List<Activity> _edgeSpans = [];
    private readonly TempFolder _keys = new("biometrics-trace-keys-");
    private readonly int _port = FreePort.Next();
    private RedisServer _redis = null!;
    private WebApplication _app = null!;
    private TracerProvider _edgeTracing = null!;

    public async Task InitializeAsync()
    {
        _redis = new RedisServer();
        var settings = new Dictionary<string, string?>
        {
            ["Matcher:Url"] = $"http://127.0.0.1:{_port}",
            ["Matcher:Security:DevelopmentMode"] = "true",
            ["Matcher:Security:KeysDirectory"] = _keys.Path,
            ["Matcher:Redis:Configuration"] = _redis.EndPoint,
            ["Matcher:Redis:CommandTimeoutMs"] = "2000",
            ["Matcher:Pipeline:Enabled"] = "false",
            ["Matcher:CalibrationFile"] = Path.Combine(SharedFiles.RepoRoot, "matcher", "Biometrics.Matcher", "calibration.json"),
            ["Telemetry:Tracing"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        _app = MatcherHost.Build([], c => c.AddInMemoryCollection(settings),
            extraServices: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new Collect(_matcherSpans))));
        await _app.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        _edgeTracing = Sdk.CreateTracerProviderBuilder().AddSource(EdgeTelemetry.Name).AddProcessor(new Collect(_edgeSpans)).Build()!;
    }

    public async Task DisposeAsync()
    {
        _edgeTracing?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await _app.DisposeAsync();
        }

        _redis?.Dispose();
        _keys.Dispose();
    }

    [Fact]
    public async Task GateSession_OneTraveller_OneTraceAcrossEdgeMatcherAndStore()
    {
        using var connection = new MatcherConnection(new MatcherConnectionOptions
        {
            Address = $"http://127.0.0.1:{_port}",
            TokenFile = Path.Combine(_keys.Path, "gate.token"),
        });
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!await connection.CheckAsync(TimeSpan.FromSeconds(5), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.True(DateTime.UtcNow < until, "the matcher did not become SERVING: " + connection.LastError);
            await Task.Delay(100);
        }

        // A subject enrolled from a template, so the session's claim is fetched from the store.
        var template = Vector(1);
        var enrolment = new Metadata { { "authorization", "Bearer " + File.ReadAllText(Path.Combine(_keys.Path, "enrolment.token")).Trim() } };
        await connection.Enrolment.EnrolAsync(new EnrolRequest { RequestId = "trace-1", SubjectId = "T-100", Template = Embed(template) },
            new CallOptions(enrolment, DateTime.UtcNow.AddSeconds(30)));
        lock (_matcherSpans) _matcherSpans.Clear();

        var verdicts = new List<Verdict>();
        var budget = TimeSpan.FromSeconds(10);
        var deadline = TimeProvider.System.GetTimestamp() + (long)(budget.TotalSeconds * TimeProvider.System.TimestampFrequency);
        var open = new GateSessionOpen { GateId = "trace-gate", LaneId = "lane-1", SessionId = "trace-s1", Claim = new Claim { SubjectId = "T-100" }, BudgetMs = 10_000 };
        await using (var session = new TravellerSession(connection, open, deadline, (v, final, _) =>
                     {
                         lock (verdicts) verdicts.Add(v);
                     }))
        {
            session.Send(new Probe { Embedding = Embed(template) });
            session.Start();
            await session.Completion.WaitAsync(budget + TimeSpan.FromSeconds(10));
        }

        Assert.Equal(Decision.Accept, Assert.Single(verdicts).Decision);
        // The listener sees every traveller span in this process, also those of tests running beside this one: pick ours.
        Activity[] edgeSpans;
        lock (_edgeSpans) edgeSpans = [.. _edgeSpans];
        var edge = Assert.Single(edgeSpans, a => a.Source.Name == EdgeTelemetry.Name && Equals(a.GetTagItem("biometrics.session_id"), "trace-s1"));

        // The matcher's spans end as the call ends; wait for them (bounded).
        Activity[] trace;
        var wait = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            lock (_matcherSpans) trace = _matcherSpans.Where(a => a.TraceId == edge.TraceId).ToArray();
            if (trace.Any(a => a.Kind == ActivityKind.Server) && trace.Any(a => a.DisplayName == "store get") || DateTime.UtcNow > wait) break;
            await Task.Delay(50);
        }

        var server = Assert.Single(trace, a => a.Kind == ActivityKind.Server);
        Assert.Contains("GateSession", server.DisplayName, StringComparison.Ordinal);
        // The call went out under the traveller's span (through the HTTP client's own span when it makes one).
        Assert.NotEqual(default, server.ParentSpanId);
        var store = Assert.Single(trace, a => a.DisplayName == "store get");
        Assert.Equal(MatcherTelemetry.Name, store.Source.Name);
        Assert.Equal(ActivityKind.Client, store.Kind);
        Assert.Equal(server.TraceId, store.TraceId);
    }

    /// <summary>Keeps ended spans under the list's lock: other tests' spans end on other threads while this one reads.</summary>
    private sealed class Collect(List<Activity> into) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            lock (into) into.Add(data);
        }
    }

    private static float[] Vector(int seed)
    {
        var random = new Random(seed);
        var v = new float[512];
        for (var i = 0; i < v.Length; i++) v[i] = (float)(random.NextDouble() * 2 - 1);
        return v;
    }

    private static Embedding Embed(float[] v)
    {
        var e = new Embedding { ModelId = ModelId };
        e.Values.AddRange(v);
        return e;
    }
}
