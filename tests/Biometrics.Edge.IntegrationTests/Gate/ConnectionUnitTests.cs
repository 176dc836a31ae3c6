using Biometrics.Edge.Capture;
using Biometrics.Edge.Connection;
using Biometrics.Testing;
using Grpc.Core;

namespace Biometrics.Edge.IntegrationTests.Gate;

public sealed class ConnectionUnitTests
{
    [Fact]
    public void Next_RepeatedFailures_GrowsGeometricallyUpToMaximum()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1000), multiplier: 2, jitter: 0);
        var delays = Enumerable.Range(0, 6).Select(_ => backoff.Next().TotalMilliseconds).ToArray();

        Assert.Equal([100, 200, 400, 800, 1000, 1000], delays);
        Assert.Equal(6, backoff.Attempts);
    }

    [Fact]
    public void Next_WithJitter_StaysWithinSpread()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(1000), TimeSpan.FromMilliseconds(1000), jitter: 0.2, random: new Random(7));
        for (var i = 0; i < 50; i++)
        {
            Assert.InRange(backoff.Next().TotalMilliseconds, 800, 1200);
        }
    }

    [Fact]
    public void Reset_AfterFailures_StartsFromInitial()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), jitter: 0);
        backoff.Next();
        backoff.Next();
        backoff.Reset();
        Assert.Equal(100, backoff.Next().TotalMilliseconds);
    }

    [Fact]
    public void ReportFailure_ThenTimePasses_RetryDelayCountsDownAndSuccessRestores()
    {
        var clock = new ManualClock();
        using var connection = new MatcherConnection(new MatcherConnectionOptions
        {
            Address = "http://127.0.0.1:9",
            BackoffInitial = TimeSpan.FromMilliseconds(400),
            BackoffMaximum = TimeSpan.FromSeconds(2),
        }, clock);
        var changes = new List<ConnectionState>();
        connection.StateChanged += (s, _) => changes.Add(s);

        connection.ReportFailure(new RpcException(new Status(StatusCode.Unavailable, "refused")));
        Assert.Equal(ConnectionState.Down, connection.State);
        Assert.InRange(connection.RetryDelay.TotalMilliseconds, 300, 500);
        clock.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Equal(TimeSpan.Zero, connection.RetryDelay);

        connection.ReportSuccess();
        Assert.Equal(ConnectionState.Up, connection.State);
        Assert.Equal([ConnectionState.Down, ConnectionState.Up], changes);
    }

    [Theory]
    [InlineData(StatusCode.Unavailable, true)]
    [InlineData(StatusCode.DeadlineExceeded, true)]
    [InlineData(StatusCode.Unauthenticated, false)]
    [InlineData(StatusCode.InvalidArgument, false)]
    public void IsTransient_StatusCode_RetriesOnlyTransportAndAvailabilityFailures(StatusCode code, bool transient) =>
        Assert.Equal(transient, MatcherConnection.IsTransient(new RpcException(new Status(code, "x"))));

    [Fact]
    public void Plan_ProcessingFallsBehind_SkipsLateFramesAndWaitsWhenEarly()
    {
        var clock = new ManualClock();
        var pacer = new FramePacer(10, clock);

        Assert.Equal((0L, TimeSpan.Zero), pacer.Plan(0));
        clock.Advance(TimeSpan.FromMilliseconds(40));
        var (skip, wait) = pacer.Plan(1);
        Assert.Equal(0, skip);
        Assert.Equal(60, wait.TotalMilliseconds, 3);

        clock.Advance(TimeSpan.FromMilliseconds(360)); // now at 400 ms: frame 1 is 300 ms late
        (skip, wait) = pacer.Plan(1);
        Assert.Equal(3, skip); // frames 1, 2, 3 dropped; frame 4 (due at 400 ms) delivered
        Assert.Equal(TimeSpan.Zero, wait);
    }
}
