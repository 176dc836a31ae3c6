using System.Diagnostics;
using StackExchange.Redis;

namespace Biometrics.Benchmarks.Redis;

/// <summary>
/// StackExchange.Redis's counterpart of <c>redis-benchmark -t get -d 2048 -c 50 -n N [-P 16]</c>: <c>Clients</c> concurrent
/// callers share one multiplexer and together issue <c>Requests</c> GETs of a <c>ValueSize</c>-byte value, each
/// caller keeping <c>Pipeline</c> GETs in flight (issue them all, then await them all) just as redis-benchmark's
/// <c>-P</c> does per connection. Every reply is read through a pooled lease and checked for length.
/// </summary>
public static class RedisThroughputHarness
{
    /// <summary>The key redis-benchmark uses when <c>-r</c> is not given.</summary>
    public const string Key = "key:__rand_int__";

    /// <summary>Runs a warm-up and then the measured pass; returns GETs per second.</summary>
    public static async Task<double> RunAsync(RedisThroughputOptions o, TextWriter log)
    {
        var options = ConfigurationOptions.Parse($"127.0.0.1:{o.Port}");
        options.AsyncTimeout = options.SyncTimeout = 30_000;
        await using var mux = await ConnectionMultiplexer.ConnectAsync(options);
        var db = mux.GetDatabase();
        await db.StringSetAsync(Key, new byte[o.ValueSize]);
        await PassAsync(db, o, Math.Min(o.Requests / 5, 50_000));
        var elapsed = await PassAsync(db, o, o.Requests);
        var rate = o.Requests / elapsed.TotalSeconds;
        log.WriteLine($"ours GET: {rate:F0} requests per second (clients={o.Clients}, pipeline={o.Pipeline}, value={o.ValueSize} B, n={o.Requests}, {elapsed.TotalSeconds:F2} s)");
        return rate;
    }

    private static async Task<TimeSpan> PassAsync(IDatabase db, RedisThroughputOptions o, int requests)
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

    private static async Task WorkerAsync(IDatabase db, RedisThroughputOptions o, Func<int> take)
    {
        var batch = new Task<Lease<byte>?>[o.Pipeline];
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
