using System.Diagnostics;
using Biometrics.Redis;

namespace Biometrics.Benchmarks.Redis;

/// <summary>
/// Our client's counterpart of <c>redis-benchmark -t get -d 2048 -c 50 -n N [-P 16]</c>: <c>Clients</c> concurrent
/// callers share one multiplexed connection and together issue <c>Requests</c> GETs of a <c>ValueSize</c>-byte
/// value, each caller keeping <c>Pipeline</c> GETs in flight (issue them all, then await them all) just as
/// redis-benchmark's <c>-P</c> does per connection. Every reply is read through a pooled lease and checked for length.
/// </summary>
public static class RedisThroughputHarness
{
    /// <summary>The key redis-benchmark uses when <c>-r</c> is not given.</summary>
    public const string Key = "key:__rand_int__";

    /// <summary>Runs a warm-up and then the measured pass; returns GETs per second.</summary>
    public static async Task<double> RunAsync(RedisThroughputOptions o, TextWriter log)
    {
        var options = new RedisOptions
        {
            Port = o.Port,
            PoolSize = o.Connections,
            RunContinuationsAsynchronously = !o.InlineCompletions,
            CommandTimeout = TimeSpan.FromSeconds(30),
        };
        await using var mux = await RedisConnectionMultiplexer.ConnectAsync(options);
        var db = mux.GetDatabase();
        await db.StringSetAsync(Key, new byte[o.ValueSize]);
        await PassAsync(db, o, Math.Min(o.Requests / 5, 50_000));
        var elapsed = await PassAsync(db, o, o.Requests);
        var rate = o.Requests / elapsed.TotalSeconds;
        log.WriteLine($"ours GET: {rate:F0} requests per second (clients={o.Clients}, pipeline={o.Pipeline}, value={o.ValueSize} B, connections={o.Connections}, inline={o.InlineCompletions}, n={o.Requests}, {elapsed.TotalSeconds:F2} s)");
        return rate;
    }

    private static async Task<TimeSpan> PassAsync(IRedisDatabase db, RedisThroughputOptions o, int requests)
    {
        var remaining = requests;
        var start = Stopwatch.GetTimestamp();
        var workers = new Task[o.Clients];
        for (var c = 0; c < workers.Length; c++)
        {
            workers[c] = Task.Run(() => WorkerAsync(db, o, () => Interlocked.Add(ref remaining, -o.Pipeline) + o.Pipeline));
        }

        await Task.WhenAll(workers);
        return Stopwatch.GetElapsedTime(start);
    }

    private static async Task WorkerAsync(IRedisDatabase db, RedisThroughputOptions o, Func<int> take)
    {
        var batch = new ValueTask<RedisLease?>[o.Pipeline];
        while (true)
        {
            var before = take();
            if (before <= 0) return;
            var n = Math.Min(o.Pipeline, before);
            for (var i = 0; i < n; i++)
            {
                batch[i] = db.StringGetLeaseAsync(Key);
            }

            for (var i = 0; i < n; i++)
            {
                using var lease = await batch[i].ConfigureAwait(false);
                if (lease is null || lease.Length != o.ValueSize)
                {
                    throw new InvalidOperationException("GET returned an unexpected value.");
                }
            }
        }
    }
}
