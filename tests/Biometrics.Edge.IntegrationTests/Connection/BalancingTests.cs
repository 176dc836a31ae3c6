using System.Diagnostics;
using Biometrics.Edge.Connection;
using Biometrics.Edge.Gate;
using Biometrics.Edge.IntegrationTests.Gate;
using Biometrics.Protos.V1;

namespace Biometrics.Edge.IntegrationTests.Connection;

/// <summary>
/// One connection over two matchers (in-process hosts on free loopback ports, the real server stack and the health
/// service the matcher uses): calls are spread over both, a matcher that is gone or NOT_SERVING is skipped, and a gate
/// session cut by a dying matcher is reopened on the other within the lane's budget (docs/SCALING.md).
/// </summary>
[Collection(GateCollection.Name)] // not beside the timing-sensitive lane tests
public sealed class BalancingTests : IAsyncLifetime
{
    private readonly FakeMatcher _a = new(settableHealth: true);
    private readonly FakeMatcher _b = new(settableHealth: true);

    public async Task InitializeAsync()
    {
        await _a.StartAsync();
        await _b.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private MatcherConnection Connect() => new(new MatcherConnectionOptions
    {
        Address = _a.Address + "," + _b.Address,
        ConnectTimeout = TimeSpan.FromMilliseconds(500),
        BackoffInitial = TimeSpan.FromMilliseconds(100),
    });

    private static async Task<EnrolResponse> EnrolAsync(MatcherConnection connection, int n) =>
        await connection.Enrolment.EnrolAsync(new EnrolRequest { SubjectId = "s" + n, RequestId = "r" + n },
            connection.CallOptions(DateTime.UtcNow + TimeSpan.FromSeconds(10), CancellationToken.None)).ResponseAsync.WaitAsync(TimeSpan.FromSeconds(20));

    /// <summary>Calls until both matchers have had one (the channel connects to each lazily), within a bound.</summary>
    private async Task WarmUpAsync(MatcherConnection connection)
    {
        var until = Stopwatch.StartNew();
        for (var n = 0; _a.Service.Enrolments.IsEmpty || _b.Service.Enrolments.IsEmpty; n++)
        {
            Assert.True(until.Elapsed < TimeSpan.FromSeconds(30), $"calls did not reach both matchers: {_a.Service.Enrolments.Count} and {_b.Service.Enrolments.Count}");
            await EnrolAsync(connection, -1 - n);
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task Calls_TwoMatchers_SpreadOverBoth()
    {
        using var connection = Connect();
        await WarmUpAsync(connection);
        var (a, b) = (_a.Service.Enrolments.Count, _b.Service.Enrolments.Count);

        for (var n = 0; n < 20; n++)
        {
            await EnrolAsync(connection, n);
        }

        // round_robin: one call each in turn.
        Assert.Equal(10, _a.Service.Enrolments.Count - a);
        Assert.Equal(10, _b.Service.Enrolments.Count - b);
    }

    [Fact]
    public async Task Calls_OneOfTwoMatchersStopped_GoToTheOther()
    {
        using var connection = Connect();
        await WarmUpAsync(connection);

        await _a.KillAsync();
        var b = _b.Service.Enrolments.Count;
        var failed = 0;
        for (var n = 0; n < 20; n++)
        {
            try
            {
                await EnrolAsync(connection, n);
            }
            catch (Grpc.Core.RpcException)
            {
                failed++; // at most the call that finds the connection gone: the channel then skips that matcher
            }
        }

        Assert.InRange(failed, 0, 1);
        Assert.Equal(20 - failed, _b.Service.Enrolments.Count - b);
    }

    [Fact]
    public async Task Calls_OneMatcherNotServing_Skipped()
    {
        using var connection = Connect();
        await WarmUpAsync(connection);

        _a.SetServing(false);
        // The connection watches each matcher's health: the change is seen at once, but on its own task.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var (a, b) = (_a.Service.Enrolments.Count, _b.Service.Enrolments.Count);
        for (var n = 0; n < 20; n++)
        {
            await EnrolAsync(connection, n);
        }

        Assert.Equal(0, _a.Service.Enrolments.Count - a);
        Assert.Equal(20, _b.Service.Enrolments.Count - b);

        _a.SetServing(true);
        var until = Stopwatch.StartNew();
        while (_a.Service.Enrolments.Count == a)
        {
            Assert.True(until.Elapsed < TimeSpan.FromSeconds(20), "the matcher SERVING again got no call");
            await EnrolAsync(connection, 100);
        }
    }

    [Fact]
    public async Task GateSession_MatcherDiesMidSession_ReopenedOnTheOtherWithinBudget()
    {
        // A holds its sessions without a verdict; B accepts at once. Sessions alternate between them, so the second of two
        // opens lands on A whichever the first did.
        _a.Service.Delay = TimeSpan.FromSeconds(30);
        using var connection = Connect();
        await WarmUpAsync(connection);

        var verdicts = new List<(Verdict Verdict, bool Final, VerdictSource Source)>();
        TravellerSession? onA = null;
        var sessions = new List<TravellerSession>();
        try
        {
            for (var n = 0; n < 2 && onA is null; n++)
            {
                var before = _a.Service.Opens.Count;
                var budget = TimeSpan.FromSeconds(4);
                var deadline = TimeProvider.System.GetTimestamp() + (long)(budget.TotalSeconds * TimeProvider.System.TimestampFrequency);
                var open = new GateSessionOpen { GateId = "g", LaneId = "l", SessionId = "s" + n, Claim = new Claim { SubjectId = "a" }, BudgetMs = (int)budget.TotalMilliseconds };
                var session = new TravellerSession(connection, open, deadline, (v, f, s) =>
                {
                    lock (verdicts)
                    {
                        verdicts.Add((v, f, s));
                    }
                });
                sessions.Add(session);
                session.Send(Probe());
                session.Start();
                var until = Stopwatch.StartNew();
                while (_a.Service.Opens.Count == before && !session.Completion.IsCompleted && until.Elapsed < TimeSpan.FromSeconds(3))
                {
                    await Task.Delay(10);
                }

                if (_a.Service.Opens.Count > before && !session.Completion.IsCompleted)
                {
                    onA = session;
                }
            }

            Assert.NotNull(onA);
            verdicts.Clear();
            var killed = Stopwatch.StartNew();
            await _a.KillAsync();
            await onA.Completion.WaitAsync(TimeSpan.FromSeconds(10));
            Console.WriteLine($"session cut by a dying matcher: verdict from the other {killed.Elapsed.TotalMilliseconds:F0} ms after the kill");

            var (verdict, final, source) = Assert.Single(verdicts);
            Assert.Equal((Decision.Accept, true, VerdictSource.Matcher), (verdict.Decision, final, source));
        }
        finally
        {
            foreach (var s in sessions)
            {
                await s.DisposeAsync();
            }
        }
    }

    private static Probe Probe()
    {
        var e = new Embedding { ModelId = "fr_feature-test" };
        e.Values.AddRange(Enumerable.Repeat(1f / MathF.Sqrt(512), 512));
        return new Probe { Embedding = e, Quality = new ProbeQuality { Measured = true } };
    }
}
