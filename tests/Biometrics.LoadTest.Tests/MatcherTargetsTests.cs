using System.Diagnostics;
using Biometrics.LoadTest.Cli;
using Biometrics.LoadTest.Data;
using Biometrics.LoadTest.Engine;
using Biometrics.LoadTest.Targets;
using Biometrics.LoadTest.Targets.Matcher;
using Biometrics.Protos.V1;
using Grpc.Core;
using MatcherApi = Biometrics.Protos.V1.Matcher;

namespace Biometrics.LoadTest.Tests;

/// <summary>
/// The matcher scenarios against a stand-in matcher on Grpc.AspNetCore: the lean client's unary calls reach the methods
/// the generated code declares, GateSession on the lean client and seed on the generated client, with the token and a deadline on
/// every call, in plain text and over TLS with a private CA.
/// </summary>
public sealed class MatcherTargetsTests
{
    private const string Token = "t0k3n";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void GeneratedMethods_MatcherAndEnrolment_PathsAndKindsOfTheContract()
    {
        Assert.Equal("/biometrics.v1.Matcher/Verify", MatcherClient.Verify.FullName);
        Assert.Equal("/biometrics.v1.Matcher/Identify", MatcherClient.Identify.FullName);
        Assert.Equal("/biometrics.v1.Enrolment/Enrol", MatcherClient.Enrol.FullName);
        Assert.All([MatcherClient.Verify.Type, MatcherClient.Identify.Type, MatcherClient.Enrol.Type], t => Assert.Equal(MethodType.Unary, t));
        var gateSession = GeneratedMethods.Find<GateSessionRequest, GateSessionResponse>(b => MatcherApi.BindService(b, null), MethodType.DuplexStreaming);
        Assert.Equal("/biometrics.v1.Matcher/GateSession", gateSession.FullName);
    }

    [Fact]
    public void GeneratedMethods_NoMethodOfThatKind_ThrowsNamingWhatTheServiceHas()
    {
        var e = Assert.Throws<InvalidOperationException>(() => GeneratedMethods.Find<VerifyRequest, Verdict>(b => MatcherApi.BindService(b, null), MethodType.ServerStreaming));

        Assert.Contains("/biometrics.v1.Matcher/Verify", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnaryTargets_LeanClientOnGrpcAspNetCore_VerdictLabelsServerTimeTokenAndDeadline()
    {
        await using var server = await FakeMatcherServer.StartAsync();
        await using var client = Client(server);
        await using var verify = new VerifyTarget(client, subjects: 100, genuineShare: 1, skipWatchlist: false, pool: 4);
        await using var identify = new IdentifyTarget(client, "residents", 0, 100, topK: 5, genuineShare: 1, pool: 4);
        await using var enrol = new EnrolTarget(client, firstSubject: 7, galleries: ["residents"]);

        var v = await RunOneAsync(verify);
        var i = await RunOneAsync(identify);
        var n = await RunOneAsync(enrol);

        Assert.Equal(new StepResult(true, "OK", "ACCEPT", ServerNanoseconds: 1_500_000), v);
        Assert.Equal(new StepResult(true, "OK", "CANDIDATE", ServerNanoseconds: 2_000_000), i);
        Assert.Equal(new StepResult(true, "OK", "ENROLLED"), n);
        Assert.Equal([SyntheticFaces.SubjectId(7)], server.Enrolled);
        Assert.Equal(["Bearer " + Token, "Bearer " + Token, "Bearer " + Token], server.Authorizations);
        Assert.Equal(0, server.CallsWithoutDeadline);
    }

    [Fact]
    public async Task GateSessionTarget_LeanClient_FinalVerdictAfterTheProbesTheMatcherNeeded()
    {
        await using var server = await FakeMatcherServer.StartAsync();
        await using var client = Client(server);
        await using var target = new GateSessionTarget(client, subjects: 100, lanes: 3, fps: 2, maxProbes: 30, budgetMs: 2000, genuineShare: 1, pool: 4);

        var results = new List<StepResult>();
        var took = Stopwatch.StartNew();
        for (var s = 0; s < 3; s++)
        {
            results.Add(await RunOneAsync(target, s));
        }

        // The open message and the probes up to the verdict: the first probe at once, the second on the RETRY, on the
        // next frame (2 frames/s: 500 ms later), the verdict after it.
        Assert.True(took.Elapsed >= TimeSpan.FromSeconds(1.4), $"3 sessions took {took.Elapsed}: the second probes did not wait for the next frame");
        Assert.All(results, r => Assert.Equal(new StepResult(true, "OK", "ACCEPT", 1 + FakeMatcherServer.ProbesPerVerdict), r));
        Assert.Equal(["s0", "s1", "s2"], server.Sessions.Select(o => o.SessionId));
        Assert.All(server.Sessions, o => Assert.Equal(2000, o.BudgetMs));
        Assert.All(server.Sessions, o => Assert.Matches("^lane-[0-2]$", o.LaneId));
        Assert.All(server.Authorizations, a => Assert.Equal("Bearer " + Token, a));
        Assert.Equal(0, server.CallsWithoutDeadline);
    }

    [Fact]
    public async Task GateSessionTarget_MatcherNotAnswering_OneProbeOnlyAsTheEdgeAgent()
    {
        await using var server = await FakeMatcherServer.StartAsync();
        server.StallSessions = true;
        await using var client = Client(server);
        await using var target = new GateSessionTarget(client, subjects: 100, lanes: 1, fps: 20, maxProbes: 30, budgetMs: 2000, genuineShare: 1, pool: 1);
        await target.InitializeAsync(CancellationToken.None).AsTask().WaitAsync(s_timeout);

        var session = target.ExecuteAsync(new StepContext(1, Stopwatch.GetTimestamp(), false), CancellationToken.None).AsTask();
        var waited = Stopwatch.StartNew();
        while (server.Sessions.IsEmpty && waited.Elapsed < s_timeout)
        {
            await Task.Delay(20);
        }

        // 1.5 s at 20 frames/s: a lane that captured blindly would have sent about 30 probes; the edge agent sends the
        // next one only on the matcher's RETRY (docs/LOADTEST.md, "The lane model").
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Single(server.Sessions);
        Assert.Equal(1, server.ProbesReceived);
        await server.KillAsync();
        Assert.False((await session.WaitAsync(s_timeout)).IsOk);
    }

    [Fact]
    public async Task GateSessionTarget_TlsWithThePrivateCa_FinalVerdict()
    {
        await using var server = await FakeMatcherServer.StartAsync(tls: true);
        await using var client = Client(server, ca: server.CaFile);
        await using var target = new GateSessionTarget(client, subjects: 100, lanes: 1, fps: 2, maxProbes: 30, budgetMs: 2000, genuineShare: 1, pool: 1);

        var result = await RunOneAsync(target);

        Assert.Equal("OK", result.Status);
        Assert.Equal("ACCEPT", result.Verdict);
    }

    [Fact]
    public async Task GateSessionTarget_TlsCertificateNotTrusted_Unavailable()
    {
        await using var server = await FakeMatcherServer.StartAsync(tls: true);
        await using var client = Client(server);
        await using var target = new GateSessionTarget(client, subjects: 100, lanes: 1, fps: 2, maxProbes: 30, budgetMs: 2000, genuineShare: 1, pool: 1);

        var result = await RunOneAsync(target);

        Assert.Equal(StepResult.Fail("UNAVAILABLE"), result);
        Assert.Empty(server.Sessions);
    }

    [Fact]
    public async Task SeedCommand_GeneratedEnrolmentClientOnGrpcAspNetCore_EnrolsEverySubjectOnce()
    {
        await using var server = await FakeMatcherServer.StartAsync(tls: true);
        var stdout = new StringWriter();
        var options = CommandLine.Options("seed", ["--target", server.Address.ToString(), "--ca", server.CaFile, "--token", Token,
            "--count", "50", "--first", "10", "--streams", "2", "--window", "4"]);

        var code = await SeedCommand.ExecuteAsync(options, stdout, new StringWriter(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, code);
        Assert.Equal(Enumerable.Range(10, 50).Select(s => SyntheticFaces.SubjectId(s)).Order(StringComparer.Ordinal), server.Enrolled.Order(StringComparer.Ordinal));
        Assert.Equal(["Bearer " + Token, "Bearer " + Token], server.Authorizations);
        Assert.Contains("seeded 50 of 50", stdout.ToString(), StringComparison.Ordinal);
    }

    private static MatcherClient Client(FakeMatcherServer server, string? ca = null)
        => new(new ConnectionOptions { Address = server.Address, BearerToken = Token, CaCertificateFile = ca, Deadline = TimeSpan.FromSeconds(10), Connections = 1 },
            new SyntheticFaces(512, 1, 0.5), ScenarioFactory.DefaultModelId);

    private static async Task<StepResult> RunOneAsync(ILoadTarget target, long sequence = 0)
    {
        if (sequence == 0)
        {
            await target.InitializeAsync(CancellationToken.None).AsTask().WaitAsync(s_timeout);
        }

        return await target.ExecuteAsync(new StepContext(sequence, Stopwatch.GetTimestamp(), false), CancellationToken.None).AsTask().WaitAsync(s_timeout);
    }
}
