using System.Diagnostics;
using Biometrics.Edge.Connection;
using Biometrics.Edge.IntegrationTests.Gate;

namespace Biometrics.Edge.IntegrationTests.Connection;

/// <summary>The reconnect loop against a matcher that goes away and comes back on the same port.</summary>
[Collection(GateCollection.Name)] // not beside the timing-sensitive lane tests
public sealed class ReconnectTests
{
    [Fact]
    public async Task RunReconnectLoopAsync_MatcherBackAfterOutage_UpWithinTheEdgesBackoff()
    {
        await using var matcher = new FakeMatcher();
        await matcher.StartAsync();
        using var connection = new MatcherConnection(new MatcherConnectionOptions
        {
            Address = matcher.Address,
            BackoffInitial = TimeSpan.FromMilliseconds(100),
            BackoffMaximum = TimeSpan.FromSeconds(1),
        });
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(() => connection.RunReconnectLoopAsync(stop.Token));
        try
        {
            await WaitForAsync(() => connection.State == ConnectionState.Up, TimeSpan.FromSeconds(20));

            await matcher.StopAsync();
            // The loop only probes while the connection is down: a failed call says so, as a lane's session would.
            Assert.False(await connection.CheckAsync(TimeSpan.FromSeconds(2), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
            // Several failed probes, so that a back-off without the edge's maximum would have grown well past it.
            await WaitForAsync(() => connection.Failures >= 6, TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(ConnectionState.Down, connection.State);

            await matcher.StartAsync();
            var back = Stopwatch.StartNew();
            await WaitForAsync(() => connection.State == ConnectionState.Up, TimeSpan.FromSeconds(30));

            // 1 s back-off maximum, +20 % jitter, the probe itself and a loaded machine's scheduling.
            Assert.True(back.Elapsed < TimeSpan.FromSeconds(4), $"up again after {back.Elapsed.TotalMilliseconds:F0} ms");
        }
        finally
        {
            await stop.CancelAsync();
            await loop.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var until = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(until.Elapsed < timeout, $"condition not met within {timeout.TotalSeconds} s");
            await Task.Delay(20);
        }
    }
}
