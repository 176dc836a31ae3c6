using System.Diagnostics;
using Biometrics.LoadTest.Cli;
using Biometrics.LoadTest.Data;
using Biometrics.LoadTest.Engine;
using Biometrics.LoadTest.Targets;
using Biometrics.LoadTest.Targets.Matcher;

namespace Biometrics.LoadTest.Tests;

/// <summary>
/// The matcher scenarios over two stand-in matchers (<c>--target A,B</c>): unary calls (the lean client) and gate sessions
/// (both on the lean clients, one per matcher) are spread over both; a matcher that is gone or NOT_SERVING is skipped, and
/// a gate session cut by a dying matcher is re-opened on the other (docs/SCALING.md, docs/LOADTEST.md).
/// </summary>
public sealed class MatcherBalancingTests : IAsyncLifetime
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private FakeMatcherServer _a = null!;
    private FakeMatcherServer _b = null!;

    public async Task InitializeAsync()
    {
        _a = await FakeMatcherServer.StartAsync();
        _b = await FakeMatcherServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private MatcherClient Client() => new(ScenarioFactory.Connection(Options("--target", $"http://127.0.0.1:{_a.Port},http://127.0.0.1:{_b.Port}")),
        new SyntheticFaces(512, 1, 0.5), ScenarioFactory.DefaultModelId);

    private static ArgumentMap Options(params string[] args)
    {
        var map = new ArgumentMap();
        for (var i = 0; i < args.Length; i += 2)
        {
            map.Set(args[i][2..], args[i + 1]);
        }

        map.Set("deadline", "10s");
        return map;
    }

    private static async Task<List<StepResult>> RunAsync(ILoadTarget target, int steps, long first = 1)
    {
        var results = new List<StepResult>();
        for (var s = first; s < first + steps; s++)
        {
            results.Add(await target.ExecuteAsync(new StepContext(s, Stopwatch.GetTimestamp(), false), CancellationToken.None).AsTask().WaitAsync(s_timeout));
        }

        return results;
    }

    [Fact]
    public async Task Verify_TwoTargetsOneKilled_CallsGoToTheOther()
    {
        await using var client = Client();
        await using var verify = new VerifyTarget(client, subjects: 100, genuineShare: 1, skipWatchlist: false, pool: 4);
        await verify.InitializeAsync(CancellationToken.None).AsTask().WaitAsync(s_timeout);

        var spread = await RunAsync(verify, 20);
        Assert.All(spread, r => Assert.True(r.IsOk, r.Status));
        Assert.Equal(10, _a.Authorizations.Count);
        Assert.Equal(10, _b.Authorizations.Count);

        await _a.KillAsync();
        // The health watch sees the matcher go at once, on its own task.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var after = await RunAsync(verify, 20, first: 100);

        Assert.All(after, r => Assert.True(r.IsOk, r.Status));
        Assert.Equal(30, _b.Authorizations.Count);
    }

    [Fact]
    public async Task Verify_OneTargetNotServing_Skipped()
    {
        await using var client = Client();
        await using var verify = new VerifyTarget(client, subjects: 100, genuineShare: 1, skipWatchlist: false, pool: 4);
        await verify.InitializeAsync(CancellationToken.None).AsTask().WaitAsync(s_timeout);
        await Task.Delay(TimeSpan.FromSeconds(1)); // both watches have said SERVING

        _b.SetServing(false);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var results = await RunAsync(verify, 20);

        Assert.All(results, r => Assert.True(r.IsOk, r.Status));
        Assert.Equal(20, _a.Authorizations.Count);
        Assert.Empty(_b.Authorizations);
    }

    [Fact]
    public async Task GateSession_TwoTargetsOneKilled_SessionsOnTheOther()
    {
        await using var client = Client();
        await using var target = new GateSessionTarget(client, subjects: 100, lanes: 2, fps: 20, maxProbes: 30, budgetMs: 2000, genuineShare: 1, pool: 4);
        await target.InitializeAsync(CancellationToken.None).AsTask().WaitAsync(s_timeout);

        // The channel connects to each matcher on its own schedule: sessions until both have had one, within a bound.
        for (var s = 1; _a.Sessions.IsEmpty || _b.Sessions.IsEmpty; s++)
        {
            Assert.True(s < 200, $"sessions did not reach both matchers: {_a.Sessions.Count} and {_b.Sessions.Count}");
            Assert.All(await RunAsync(target, 1, first: s), r => Assert.True(r.IsOk, r.Status));
        }

        await _a.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var b = _b.Sessions.Count;
        var after = await RunAsync(target, 6, first: 1000);

        Assert.All(after, r => Assert.True(r.IsOk, r.Status));
        Assert.Equal(b + 6, _b.Sessions.Count);
    }

    [Fact]
    public async Task GateSession_MatcherKilledMidSession_ReopenedOnTheOtherWithinTheBudgetAndCounted()
    {
        await using var client = Client();
        await using var target = new GateSessionTarget(client, subjects: 100, lanes: 4, fps: 20, maxProbes: 60, budgetMs: 3000, genuineShare: 1, pool: 4);
        await target.InitializeAsync(CancellationToken.None).AsTask().WaitAsync(s_timeout);
        _a.StallSessions = true; // sessions on A stay open until A dies

        var sessions = Enumerable.Range(1, 8).Select(s => target.ExecuteAsync(new StepContext(s, Stopwatch.GetTimestamp(), false), CancellationToken.None).AsTask()).ToArray();
        var opened = Stopwatch.StartNew();
        while (_a.Sessions.Count + _b.Sessions.Count < 8 && opened.Elapsed < s_timeout)
        {
            await Task.Delay(20);
        }

        var onA = _a.Sessions.Count;
        await _a.KillAsync();
        var results = await Task.WhenAll(sessions).WaitAsync(s_timeout);

        Assert.InRange(onA, 1, 7); // the lean clients take the matchers in turn
        Assert.All(results, r => Assert.Equal(("OK", "ACCEPT"), (r.Status, r.Verdict)));
        Assert.Equal(onA, results.Count(r => r.Recovery == SessionRecovery.ReopenedInTime));
        Assert.Equal(8 - onA, results.Count(r => r.Recovery == SessionRecovery.None));
        Assert.Equal(8, _b.Sessions.Count);
        Assert.All(_b.Sessions.Where(o => o.BudgetMs != 3000), o => Assert.InRange(o.BudgetMs, 100, 2999)); // what was left of the lane's budget
    }

    [Fact]
    public async Task GateSession_OnlyMatcherKilledMidSession_Lost()
    {
        await using var client = new MatcherClient(ScenarioFactory.Connection(Options("--target", $"http://127.0.0.1:{_a.Port}")), new SyntheticFaces(512, 1, 0.5), ScenarioFactory.DefaultModelId);
        await using var target = new GateSessionTarget(client, subjects: 100, lanes: 1, fps: 20, maxProbes: 60, budgetMs: 3000, genuineShare: 1, pool: 1);
        await target.InitializeAsync(CancellationToken.None).AsTask().WaitAsync(s_timeout);
        _a.StallSessions = true;

        var session = target.ExecuteAsync(new StepContext(1, Stopwatch.GetTimestamp(), false), CancellationToken.None).AsTask();
        var opened = Stopwatch.StartNew();
        while (_a.Sessions.IsEmpty && opened.Elapsed < s_timeout)
        {
            await Task.Delay(20);
        }

        await _a.KillAsync();
        var result = await session.WaitAsync(s_timeout);

        Assert.False(result.IsOk);
        Assert.Equal("UNAVAILABLE", result.Status);
        Assert.Equal(SessionRecovery.Lost, result.Recovery);
    }

    [Fact]
    public void Target_MixedSchemes_RefusedWithMessage()
    {
        var e = Assert.Throws<UsageException>(() => ScenarioFactory.Connection(Options("--target", "http://127.0.0.1:1,https://127.0.0.1:2")));

        Assert.Contains("all http:// or all https://", e.Message, StringComparison.Ordinal);
    }
}
