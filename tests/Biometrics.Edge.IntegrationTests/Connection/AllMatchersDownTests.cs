using Biometrics.Edge.Connection;
using Biometrics.Protos.V1;
using Biometrics.Testing;
using Grpc.Core;

namespace Biometrics.Edge.IntegrationTests.Connection;

/// <summary>
/// A balanced connection with every matcher down (nothing listens on either port): each call fails UNAVAILABLE with the
/// connection error, never INTERNAL. Grpc.Net.Client's round_robin said INTERNAL "Unknown error." when the health-aware
/// resolver narrowed the address list while the remaining matchers had all failed to connect (MatchersRoundRobin,
/// docs/SCALING.md "Client-side balancing"); before that fix 24 of 300 first calls on fresh connections failed so.
/// </summary>
public sealed class AllMatchersDownTests
{
    private const int Connections = 200;

    [Fact]
    public async Task FirstCall_EveryMatcherDown_UnavailableNeverInternal()
    {
        var statuses = new Dictionary<string, int>();
        for (var i = 0; i < Connections; i++)
        {
            var (a, b) = TwoFreePorts();
            using var connection = new MatcherConnection(new MatcherConnectionOptions
            {
                Address = $"http://127.0.0.1:{a},http://127.0.0.1:{b}",
                Token = "x",
                ConnectTimeout = TimeSpan.FromMilliseconds(200),
            });
            var e = await Assert.ThrowsAsync<RpcException>(() => connection.Operations.GetStatusAsync(new GetStatusRequest(),
                connection.CallOptions(DateTime.UtcNow.AddSeconds(10), CancellationToken.None)).ResponseAsync.WaitAsync(TimeSpan.FromSeconds(20)));
            var key = $"{e.StatusCode}: {e.Status.Detail}";
            statuses[key] = statuses.GetValueOrDefault(key) + 1;
        }

        Assert.True(statuses.Keys.All(k => k.StartsWith(nameof(StatusCode.Unavailable), StringComparison.Ordinal)),
            "statuses of the first call on " + Connections + " connections: " + string.Join(", ", statuses.Select(kv => $"{kv.Value} x {kv.Key}")));
    }

    // The system may hand out a port just released again: two different ones, or the connection refuses the list.
    private static (int A, int B) TwoFreePorts()
    {
        var a = FreePort.Next();
        var b = FreePort.Next();
        while (b == a)
        {
            b = FreePort.Next();
        }

        return (a, b);
    }
}
