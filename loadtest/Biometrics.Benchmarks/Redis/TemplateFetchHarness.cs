#if BIOMETRICS_STORE_BENCH
// Compiled only by scripts/bench-store.sh's throwaway projects, once against this tree and once (OLD_CLIENT) against
// the commit before the move to StackExchange.Redis, so both sides run the same measurement.
using System.Diagnostics;
using System.Security.Cryptography;
using Biometrics.Matcher.Store;
#if OLD_CLIENT
using Biometrics.Redis;
#else
using StackExchange.Redis;
#endif

namespace Biometrics.Benchmarks.Redis;

/// <summary>
/// The template fetch of a Verify: <c>Clients</c> concurrent callers share the store and together make
/// <c>Requests</c> <c>GetByKeyAsync</c> calls (HMGET of the record, authentication and decryption) over
/// <c>Subjects</c> enrolled 512-float templates. Prints fetches per second, the client's CPU microseconds per fetch,
/// and the Redis key of subject 0 with its blob size (so redis-benchmark can fetch the same record). With a fifth
/// argument <c>verify</c> each call is made as Verify makes it (<c>ClaimResolver</c>): with the call's cancellable token,
/// bounded by the caller's own <c>WaitAsync</c> of the time left.
/// </summary>
public static class TemplateFetchHarness
{
    /// <summary>Args: port clients requests [subjects] [plain|verify] [warm-up seconds, at least one pass of up to 20,000 calls].</summary>
    public static async Task RunAsync(string[] args, TextWriter log)
    {
        var port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
        var clients = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
        var requests = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        var subjects = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 1000;
        var verify = args.Length > 4 && args[4] == "verify";
        var warmupTime = TimeSpan.FromSeconds(args.Length > 5 ? double.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture) : 0);
        var options = new TemplateStoreOptions
        {
            KeyPrefix = "fetch" + Environment.ProcessId,
            PseudonymisationKeyBase64 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            EncryptionKeyBase64 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
#if OLD_CLIENT
        await using var mux = await RedisConnectionMultiplexer.ConnectAsync(new RedisOptions { Port = port, CommandTimeout = TimeSpan.FromSeconds(30) });
        const string client = "old (Biometrics.Redis)";
#else
        var config = ConfigurationOptions.Parse($"127.0.0.1:{port}");
        config.AsyncTimeout = config.SyncTimeout = 30_000;
        await using var mux = await ConnectionMultiplexer.ConnectAsync(config);
        options.CommandTimeout = TimeSpan.FromSeconds(30);
        const string client = "new (StackExchange.Redis)";
#endif
        using var store = new RedisTemplateStore(mux, options);
        var rng = new Random(1);
        var records = new TemplateRecord[subjects];
        for (var i = 0; i < subjects; i++)
        {
            var v = new float[512];
            for (var j = 0; j < v.Length; j++) v[j] = (float)rng.NextDouble();
            records[i] = new TemplateRecord($"F{i}", v, "fr_feature-87aacdfe", 0.9f, DateTimeOffset.UtcNow, ["residents"]);
        }

        var results = await store.UpsertManyAsync(records);
        var keys = results.Select(r => r.SubjectKey).ToArray();
        // Warm-up by time, not by count: StackExchange.Redis brings about 1,900 methods of its own to the JIT, and their
        // tier-up (and that of the store's fetch path, instrumented until then) took more than 5 s on a busy 2-core
        // machine, so a short warm-up measured part of the JIT's work as the client's (docs/PERFORMANCE.md, "Redis client").
        var warmup = Stopwatch.StartNew();
        do
        {
            await PassAsync(store, keys, clients, Math.Min(requests / 5, 20_000), verify);
        }
        while (warmup.Elapsed < warmupTime);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var elapsed = await PassAsync(store, keys, clients, requests, verify);
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        log.WriteLine($"fetch {client}: {requests / elapsed.TotalSeconds:F0} fetches per second, client CPU {used.TotalMicroseconds / requests:F1} us per fetch "
            + $"(clients={clients}, n={requests}, subjects={subjects}, {(verify ? "as Verify, " : "")}{elapsed.TotalSeconds:F2} s)");
    }

    private static async Task<TimeSpan> PassAsync(RedisTemplateStore store, SubjectKey[] keys, int clients, int requests, bool verify)
    {
        // A Verify's token: cancellable (the gRPC call's), never cancelled here.
        using var call = new CancellationTokenSource();
        var token = call.Token;
        var remaining = requests;
        var start = Stopwatch.GetTimestamp();
        var workers = new Task[clients];
        for (var c = 0; c < clients; c++)
        {
            workers[c] = Task.Run(async () =>
            {
                int n;
                while ((n = Interlocked.Decrement(ref remaining)) >= 0)
                {
                    var t = verify
                        ? await store.GetByKeyAsync(keys[n % keys.Length], null, token).WaitAsync(TimeSpan.FromSeconds(2), token).ConfigureAwait(false)
                        : await store.GetByKeyAsync(keys[n % keys.Length]).ConfigureAwait(false);
                    if (t is null || t.Vector.Length != 512) throw new InvalidOperationException("The fetch returned no template.");
                }
            });
        }

        await Task.WhenAll(workers);
        return Stopwatch.GetElapsedTime(start);
    }
}
#endif
