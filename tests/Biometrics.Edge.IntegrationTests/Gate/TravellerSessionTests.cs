using Biometrics.Edge.Connection;
using Biometrics.Edge.Gate;
using Biometrics.Protos.V1;
using Biometrics.Testing;

namespace Biometrics.Edge.IntegrationTests.Gate;

/// <summary>The session's protocol and budget on its own, without video.</summary>
public sealed class TravellerSessionTests : IAsyncLifetime
{
    private readonly FakeMatcher _matcher = new();

    public Task InitializeAsync() => _matcher.StartAsync();

    public async Task DisposeAsync() => await _matcher.DisposeAsync();

    private static Probe Probe()
    {
        var e = new Embedding { ModelId = "fr_feature-test" };
        e.Values.AddRange(Enumerable.Repeat(1f / MathF.Sqrt(512), 512));
        return new Probe { Embedding = e, Quality = new ProbeQuality { Measured = true } };
    }

    private static async Task<List<(Verdict Verdict, bool Final, VerdictSource Source)>> RunSession(string address, TimeSpan budget, bool connectFirst, params Probe[] probes) =>
        (await TimedSession(address, budget, connectFirst, probes)).Verdicts;

    /// <summary>Runs one session; <c>Elapsed</c> counts from the budget's start (after any connection warm-up).</summary>
    private static async Task<(List<(Verdict Verdict, bool Final, VerdictSource Source)> Verdicts, TimeSpan Elapsed)> TimedSession(string address, TimeSpan budget, bool connectFirst, params Probe[] probes)
    {
        using var connection = new MatcherConnection(new MatcherConnectionOptions { Address = address, ConnectTimeout = TimeSpan.FromMilliseconds(500) });
        if (connectFirst)
        {
            // As the agent does at start: the connection is open before the traveller's budget starts, so a cold
            // process on a loaded machine does not spend the budget on opening it (the test is about the matcher).
            // A cold connect can miss the 500 ms connect timeout on a loaded machine: try again, as the agent's loop does.
            var ready = false;
            for (var attempt = 0; attempt < 20 && !ready; attempt++)
            {
                ready = await connection.CheckAsync(TimeSpan.FromSeconds(5), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            }

            Assert.True(ready, "the fake matcher's health service never answered SERVING: " + connection.LastError);
        }

        var verdicts = new List<(Verdict, bool, VerdictSource)>();
        var started = TimeProvider.System.GetTimestamp();
        var deadline = started + (long)(budget.TotalSeconds * TimeProvider.System.TimestampFrequency);
        var open = new GateSessionOpen { GateId = "g", LaneId = "l", SessionId = "s1", Claim = new Claim { SubjectId = "a" }, BudgetMs = (int)budget.TotalMilliseconds };
        await using var session = new TravellerSession(connection, open, deadline, (v, f, s) =>
        {
            lock (verdicts)
            {
                verdicts.Add((v, f, s));
            }
        });
        foreach (var p in probes)
        {
            session.Send(p);
        }

        session.Start();
        await session.Completion.WaitAsync(budget + TimeSpan.FromSeconds(10));
        return (verdicts, TimeProvider.System.GetElapsedTime(started));
    }

    [Fact]
    public async Task Completion_MatcherAccepts_ReportsMatcherVerdict()
    {
        var verdicts = await RunSession(_matcher.Address, TimeSpan.FromSeconds(5), connectFirst: false, Probe());

        var (verdict, final, source) = Assert.Single(verdicts);
        Assert.Equal((Decision.Accept, true, VerdictSource.Matcher), (verdict.Decision, final, source));
        Assert.Equal("s1", Assert.Single(_matcher.Service.Opens).SessionId);
    }

    [Fact]
    public async Task Completion_MatcherTooSlow_EdgeReferAtBudget()
    {
        _matcher.Service.Delay = TimeSpan.FromSeconds(10);
        var (verdicts, elapsed) = await TimedSession(_matcher.Address, TimeSpan.FromMilliseconds(1500), connectFirst: true, Probe());

        var (verdict, final, source) = Assert.Single(verdicts);
        Assert.Equal((Decision.Refer, TravellerSession.BudgetExhausted, true, VerdictSource.Edge), (verdict.Decision, verdict.Reason, final, source));
        Assert.InRange(elapsed.TotalMilliseconds, 1450, 4000);
    }

    [Fact]
    public async Task Completion_NothingListening_EdgeReferMatcherUnavailable()
    {
        var verdicts = await RunSession($"http://127.0.0.1:{FreePort.Next()}", TimeSpan.FromMilliseconds(700), connectFirst: false, Probe());

        var (verdict, final, source) = Assert.Single(verdicts);
        Assert.Equal((Decision.Refer, TravellerSession.MatcherUnavailable, true, VerdictSource.Edge), (verdict.Decision, verdict.Reason, final, source));
        Assert.Contains("Unavailable", verdict.ReasonText);
    }

    [Fact]
    public async Task CheckAsync_FakeMatcherUp_ReportsUp()
    {
        using var connection = new MatcherConnection(new MatcherConnectionOptions { Address = _matcher.Address });
        Assert.True(await connection.CheckAsync(TimeSpan.FromSeconds(10), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)), connection.LastError);
        Assert.Equal(ConnectionState.Up, connection.State);
    }
}
