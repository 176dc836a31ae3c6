using System.Collections.Concurrent;
using System.Diagnostics;
using Biometrics.Redis;
using Biometrics.Testing;
using static Biometrics.Matcher.Store.IntegrationTests.StoreTestSupport;

namespace Biometrics.Matcher.Store.IntegrationTests;

/// <summary>Kills its own redis-server with SIGKILL; not shared with other tests.</summary>
public sealed class DurabilityTests : IDisposable
{
    private readonly RedisServer _server = new();

    [Fact]
    public async Task Kill9MidEnrolment_RestartWithAof_EveryAcknowledgedEnrolmentSurvives()
    {
        await using var mux = await ConnectAsync(_server);
        var options = Options();
        options.ConfigureAppendFsyncAlways = true;
        using var store = new RedisTemplateStore(mux, options);
        await store.InitializeAsync().WaitAsync(Limit);
        Assert.Equal("always", (await mux.GetDatabase().ExecuteAsync("CONFIG", "GET", "appendfsync").AsTask().WaitAsync(Limit)).Elements[1].AsString());

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
        _server.Kill();
        var ackedBeforeRestart = acknowledged.Count;
        await WaitUntil(() => failures.Count >= 20);
        Assert.False(mux.IsConnected);
        _server.Restart();
        await WaitUntil(() => acknowledged.Count >= ackedBeforeRestart + 100);
        stop.Cancel();
        await Task.WhenAll(writers).WaitAsync(Limit);

        // While Redis was down, every call failed fast with a connection error, none hung.
        Assert.All(failures, f =>
        {
            Assert.IsType<RedisConnectionException>(f.Error);
            Assert.True(f.Took < TimeSpan.FromSeconds(5), $"a call took {f.Took} to fail");
        });

        // Every acknowledged enrolment is in the restarted server (replayed from the AOF).
        foreach (var id in acknowledged)
        {
            var t = await store.GetAsync(id).WaitAsync(Limit);
            Assert.True(t is not null, $"acknowledged enrolment {id} was lost");
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(10);
        }
    }

    public void Dispose() => _server.Dispose();
}
