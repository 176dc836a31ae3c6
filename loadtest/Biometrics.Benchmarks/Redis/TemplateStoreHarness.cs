#if BIOMETRICS_STORE_BENCH
// Compiled only by scripts/bench-redis.sh's throwaway project (which references Biometrics.Matcher.Core);
// the Benchmarks project itself does not reference the matcher.
using System.Diagnostics;
using System.Security.Cryptography;
using Biometrics.Matcher.Store;
using StackExchange.Redis;

namespace Biometrics.Benchmarks.Redis;

/// <summary>
/// Bulk enrolment and snapshot load of the template store at a given size: <c>UpsertManyAsync</c> in chunks of
/// 10,000 (the script batches and pipelines inside), then <c>LoadSnapshotAsync</c> of everything (what a
/// matcher replica does at start).
/// </summary>
public static class TemplateStoreHarness
{
    /// <summary>Runs both phases against a server on <paramref name="port"/> and prints templates per second.</summary>
    public static async Task RunAsync(int port, int templates, TextWriter log)
    {
        var config = ConfigurationOptions.Parse($"127.0.0.1:{port}");
        config.AsyncTimeout = config.SyncTimeout = 60_000;
        await using var mux = await ConnectionMultiplexer.ConnectAsync(config);
        var options = new TemplateStoreOptions
        {
            KeyPrefix = "bench" + Environment.ProcessId,
            PseudonymisationKeyBase64 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            EncryptionKeyBase64 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            CommandTimeout = TimeSpan.FromSeconds(60),
        };
        using var store = new RedisTemplateStore(mux, options);
        var rng = new Random(1);
        var vector = new float[512];
        for (var i = 0; i < vector.Length; i++) vector[i] = (float)rng.NextDouble();

        var server = mux.GetServer(mux.GetEndPoints()[0]);
        var cpu = await CpuAsync(server);
        var start = Stopwatch.GetTimestamp();
        const int chunk = 10_000;
        for (var done = 0; done < templates; done += chunk)
        {
            var n = Math.Min(chunk, templates - done);
            var records = new TemplateRecord[n];
            for (var i = 0; i < n; i++)
            {
                records[i] = new TemplateRecord($"S{done + i}", vector, "fr_feature-87aacdfe", 0.9f, DateTimeOffset.UtcNow, ["residents"]);
            }

            await store.UpsertManyAsync(records);
        }

        var upsert = Stopwatch.GetElapsedTime(start);
        var cpuAfter = await CpuAsync(server);
        log.WriteLine($"store bulk upsert: {templates / upsert.TotalSeconds:F0} templates per second ({templates} in {upsert.TotalSeconds:F1} s; extrapolated 1,000,000 in {1_000_000 / (templates / upsert.TotalSeconds):F0} s); "
            + $"CPU per 1,000,000: client {(cpuAfter.Client - cpu.Client) * 1e6 / templates:F1} s, redis-server {(cpuAfter.Server - cpu.Server) * 1e6 / templates:F1} s");
        cpu = cpuAfter;

        start = Stopwatch.GetTimestamp();
        long count = 0;
        var snapshot = await store.LoadSnapshotAsync(_ => count++);
        var load = Stopwatch.GetElapsedTime(start);
        cpuAfter = await CpuAsync(server);
        log.WriteLine($"store snapshot load: {snapshot.Loaded / load.TotalSeconds:F0} templates per second ({snapshot.Loaded} in {load.TotalSeconds:F1} s; extrapolated 1,000,000 in {1_000_000 / (snapshot.Loaded / load.TotalSeconds):F1} s); "
            + $"CPU per 1,000,000: client {(cpuAfter.Client - cpu.Client) * 1e6 / templates:F1} s, redis-server {(cpuAfter.Server - cpu.Server) * 1e6 / templates:F1} s");
    }

    /// <summary>CPU seconds used so far by this process and by the redis-server (<c>INFO cpu</c>): wall time on a shared machine says little.</summary>
    private static async Task<(double Client, double Server)> CpuAsync(IServer server)
    {
        var info = (string)(await server.ExecuteAsync("INFO", "cpu"))!;
        double server = 0;
        foreach (var line in info.Split('\n'))
        {
            var parts = line.Trim().Split(':');
            if (parts.Length == 2 && parts[0] is "used_cpu_sys" or "used_cpu_user")
            {
                server += double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, server);
    }
}
#endif
