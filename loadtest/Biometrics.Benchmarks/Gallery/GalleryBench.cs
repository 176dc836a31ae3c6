using System.Diagnostics;
using System.Globalization;
using Biometrics.Matcher.Gallery;

namespace Biometrics.Benchmarks.Gallery;

/// <summary>
/// A plain throughput/latency harness for the 1:N gallery (no BenchmarkDotNet): bulk-loads N random templates, then
/// measures single-query latency percentiles, per-query latency in batches of 8 and 32, and closed-loop queries/s
/// through the <see cref="GallerySearchBatcher"/> with C concurrent callers.
/// Usage: <c>GalleryBench.Run(["--rows", "1000000", "--seconds", "10", "--callers", "32"])</c>.
/// </summary>
public static class GalleryBench
{
    /// <summary>Runs the harness and prints a report; returns 0.</summary>
    public static int Run(string[] args)
    {
        var rows = Arg(args, "--rows", 1_000_000);
        var seconds = Arg(args, "--seconds", 10);
        var callers = Arg(args, "--callers", 32);
        const int Dim = 512;
        Console.WriteLine($"gallery bench: {rows:N0} x {Dim} rows, ISA {GalleryIndex.QuantizedIsa}, {Environment.ProcessorCount} cores");

        var rng = new Random(1);
        var data = new float[(long)rows * Dim];
        for (long i = 0; i < data.Length; i++)
        {
            data[i] = (float)(rng.NextDouble() - 0.5);
        }

        var ids = Enumerable.Range(0, rows).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        using var index = new GalleryIndex("bench", "bench-model");
        var sw = Stopwatch.StartNew();
        index.AddRange(ids, data);
        Console.WriteLine($"bulk load (AddRange): {sw.Elapsed.TotalSeconds:F2} s");
        data = [];

        var queries = new float[64 * Dim];
        for (var i = 0; i < queries.Length; i++)
        {
            queries[i] = (float)(rng.NextDouble() - 0.5);
        }

        foreach (var mode in new[] { GallerySearchMode.Quantized, GallerySearchMode.Exact })
        {
            foreach (var batch in new[] { 1, 8, 32 })
            {
                var lat = new List<double>();
                var until = Stopwatch.StartNew();
                index.SearchBatch(queries.AsSpan(0, batch * Dim), 10, mode); // warm
                while (until.Elapsed.TotalSeconds < seconds / 3.0 || lat.Count < 5)
                {
                    var t = Stopwatch.GetTimestamp();
                    index.SearchBatch(queries.AsSpan(0, batch * Dim), 10, mode);
                    lat.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }

                lat.Sort();
                var mean = lat.Average();
                Console.WriteLine(string.Format(
                    CultureInfo.InvariantCulture,
                    "{0,-9} batch {1,2}: per batch mean {2,7:F1} ms p50 {3,7:F1} p99 {4,7:F1} | per query {5,6:F2} ms | {6,6:F0} queries/s ({7} runs)",
                    mode,
                    batch,
                    mean,
                    lat[lat.Count / 2],
                    lat[Math.Min(lat.Count - 1, (int)(lat.Count * 0.99))],
                    mean / batch,
                    batch * 1000 / mean,
                    lat.Count));
            }
        }

        RunBatcherAsync(index, queries, callers, seconds).GetAwaiter().GetResult();
        Console.WriteLine($"exact fallbacks: {index.ExactFallbacks}");
        return 0;
    }

    private static async Task RunBatcherAsync(GalleryIndex index, float[] queries, int callers, int seconds)
    {
        await using var batcher = new GallerySearchBatcher(index, new GallerySearchBatcherOptions { MaxBatch = 32 });
        var stop = Stopwatch.StartNew();
        var latencies = new List<double>[callers];
        var tasks = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = [];
            var q = queries.AsMemory((c % 64) * 512, 512);
            while (stop.Elapsed.TotalSeconds < seconds)
            {
                var t = Stopwatch.GetTimestamp();
                await batcher.SearchAsync(q, 10).WaitAsync(TimeSpan.FromSeconds(60));
                mine.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        })).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(seconds + 120));
        var all = latencies.SelectMany(l => l).Order().ToArray();
        Console.WriteLine(string.Format(
            CultureInfo.InvariantCulture,
            "batcher, {0} closed-loop callers: {1:F0} queries/s, latency p50 {2:F1} ms p99 {3:F1} ms, mean batch {4:F1}",
            callers,
            all.Length / stop.Elapsed.TotalSeconds,
            all[all.Length / 2],
            all[Math.Min(all.Length - 1, (int)(all.Length * 0.99))],
            (double)batcher.QueriesRun / Math.Max(1, batcher.BatchesRun)));
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
