using System.Collections.Concurrent;
using System.Diagnostics;
using Biometrics.Testing;
using StackExchange.Redis;
using static Biometrics.Matcher.Store.IntegrationTests.StoreTestSupport;

namespace Biometrics.Matcher.Store.IntegrationTests;

/// <summary>
/// SIGKILLs every Redis process while four writers enrol, restarts them on their AOF, and finds every acknowledged
/// enrolment. Each test owns its servers (never shared); run against one redis-server and against a Redis Cluster.
/// </summary>
public abstract class DurabilityTests : IDisposable
{
    protected abstract string Configuration { get; }

    protected abstract void KillAll();

    protected abstract void RestartAll();

    [Fact]
    public async Task Kill9MidEnrolment_RestartWithAof_EveryAcknowledgedEnrolmentSurvives()
    {
        await using var mux = await ConnectAsync(Configuration);
        var options = Options();
        options.ConfigureAppendFsyncAlways = true;
        options.CommandTimeout = TimeSpan.FromSeconds(3);
        using var store = new RedisTemplateStore(mux, options);
        await store.InitializeAsync().WaitAsync(Limit);
        foreach (var server in mux.GetServers())
        {
            Assert.Equal("always", (await server.ConfigGetAsync("appendfsync").WaitAsync(Limit)).Single().Value);
        }

        var acknowledged = new ConcurrentBag<string>();
        var failures = new ConcurrentBag<(Exception Error, TimeSpan Took)>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var id = $"E{w}-{i}";
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await store.UpsertAsync(Record(id, i));
                    acknowledged.Add(id);
                }
                catch (Exception ex)
                {
                    failures.Add((ex, Stopwatch.GetElapsedTime(started)));
                    await Task.Delay(10);
                }
            }
        })).ToArray();

        await WaitUntil(() => acknowledged.Count >= 300);
        KillAll();
        var ackedBeforeRestart = acknowledged.Count;
        await WaitUntil(() => failures.Count >= 20);
        Assert.False(mux.IsConnected);
        RestartAll();
        await WaitUntil(() => acknowledged.Count >= ackedBeforeRestart + 100);
        stop.Cancel();
        await Task.WhenAll(writers).WaitAsync(Limit);

        // While Redis was down, every call failed fast with a connection error (or the store's own deadline, or, while a
        // restarted cluster re-forms, the cluster's CLUSTERDOWN / TRYAGAIN, or READONLY from a node the client still took
        // for the primary of its slot; seen once in a fresh-clone run), none hung.
        string[] reforming = ["CLUSTERDOWN", "TRYAGAIN", "READONLY"];
        Assert.All(failures, f =>
        {
            Assert.True(f.Error is RedisConnectionException or TimeoutException
                || (f.Error is RedisServerException && reforming.Any(r => f.Error.Message.StartsWith(r, StringComparison.Ordinal))),
                f.Error.ToString());
            Assert.True(f.Took < TimeSpan.FromSeconds(5), $"a call took {f.Took} to fail");
        });

        // Every acknowledged enrolment is in the restarted servers (replayed from the AOF).
        foreach (var id in acknowledged)
        {
            var t = await store.GetAsync(id).WaitAsync(Limit);
            Assert.True(t is not null, $"acknowledged enrolment {id} was lost");
        }
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(10);
        }
    }

    public abstract void Dispose();
}

/// <summary>Kills its own redis-server with SIGKILL.</summary>
public sealed class DurabilityTestsOnServer : DurabilityTests
{
    private readonly RedisServer _server = new();

    protected override string Configuration => _server.EndPoint;

    protected override void KillAll() => _server.Kill();

    protected override void RestartAll() => _server.Restart();

    public override void Dispose() => _server.Dispose();
}

/// <summary>Kills every node of its own Redis Cluster with SIGKILL and restarts them (same ports, AOF and nodes.conf).</summary>
public sealed class DurabilityTestsOnCluster : DurabilityTests
{
    private readonly RedisCluster _cluster = new();

    protected override string Configuration => _cluster.Configuration;

    protected override void KillAll()
    {
        foreach (var node in _cluster.Nodes) node.Kill();
    }

    protected override void RestartAll()
    {
        foreach (var node in _cluster.Nodes) node.Restart();
        _cluster.WaitUntilHealthy(Limit);
    }

    public override void Dispose() => _cluster.Dispose();
}
