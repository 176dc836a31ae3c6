using System.Diagnostics;
using System.Globalization;
using Biometrics.Matcher.Gallery;

namespace Biometrics.Benchmarks.Gallery;

/// <summary>
/// A plain throughput/latency harness for the 1:N gallery (no BenchmarkDotNet): bulk-loads N random templates, then
/// measures per-batch latency for batches of 1, 8 and 32 (quantised and exact), closed-loop queries/s through the
/// <see cref="GallerySearchBatcher"/> with C concurrent callers, and an open-loop run at a fixed arrival rate (Poisson,
/// latency from the scheduled arrival, as a load generator measures it). Every phase also reports the process CPU time
/// per query, which stays meaningful when other work shares the machine.
/// Usage: <c>GalleryBench.Run(["--rows", "1000000", "--seconds", "6", "--callers", "32", "--rate", "200"])</c>
/// (<c>--callers 1,2,4,32</c> runs the closed loop once per count of callers, <c>--rate 0</c> skips the open-loop run, <c>--min-candidates N</c> sets the candidates each worker keeps, <c>--exact 0</c> skips the exact float phases, <c>--query-bits 7</c> selects
/// the finer query code, <c>--gaussian 1</c> draws normal instead of uniform components: queries with no mate, as
/// strangers at a gate, certify with less margin there), <c>--huge-pages 1</c> backs the codes with huge pages, <c>--scan-chunk R</c> sets
/// the shared scan's rows per step (32,768),
/// <c>--min-batch N --max-wait-us U --workers W</c> set the open loop's <see cref="GallerySearchBatcherOptions"/> for plain
/// batches, <c>--warm-seconds S</c> its unreported warm-up at the same rate (2), <c>--arrival-fifo 1</c> runs its arrival thread
/// under SCHED_FIFO, as the network that it stands for, which no thread of the matcher delays; needs root or CAP_SYS_NICE).
/// The top-1 of every query answered (batches, batcher, open loop) is checked against an exact float brute force of the
/// same query and the mismatches are reported. <c>--export DIR</c> writes the gallery and the queries as raw float32
/// (<c>gallery.f32</c>, <c>queries.f32</c>) and this run's top-1 per query (<c>top1.tsv</c>) for
/// <c>loadtest/bench/faiss_flat_ip.py</c>, the FAISS reference on the same vectors.
/// </summary>
public static class GalleryBench
{
    private const int Dim = 512;

    /// <summary>Runs the harness and prints a report; returns 0.</summary>
    public static int Run(string[] args)
    {
        var rows = Arg(args, "--rows", 1_000_000);
        var seconds = Arg(args, "--seconds", 10);
        var callers = Args(args, "--callers", [32]);
        var rate = Arg(args, "--rate", 200);
        var exact = Arg(args, "--exact", 1) != 0;
        var queryBits = Arg(args, "--query-bits", new GalleryIndexOptions().QueryBits);
        var gaussian = Arg(args, "--gaussian", 0) != 0;
        var hugePages = Arg(args, "--huge-pages", 0) != 0;
        var minCandidates = Arg(args, "--min-candidates", new GalleryIndexOptions().MinCandidates);
        var scanChunk = Arg(args, "--scan-chunk", new GalleryIndexOptions().ScanChunkRows);
        var exportIndex = Array.IndexOf(args, "--export");
        var export = exportIndex >= 0 && exportIndex + 1 < args.Length ? args[exportIndex + 1] : null;
        Console.WriteLine($"gallery bench: {rows:N0} x {Dim} rows, ISA {GalleryIndex.QuantizedIsa}, {queryBits}-bit queries, {(gaussian ? "Gaussian" : "uniform")} components{(hugePages ? ", huge pages" : "")}, at least {minCandidates} candidates per worker, {Environment.ProcessorCount} cores, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC");

        var rng = new Random(1);
        var data = new float[(long)rows * Dim];
        for (long i = 0; i < data.Length; i++)
        {
            data[i] = Component(rng, gaussian);
        }

        var ids = Enumerable.Range(0, rows).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        using var index = new GalleryIndex("bench", "bench-model", options: new GalleryIndexOptions { QueryBits = queryBits, HugePages = hugePages, MinCandidates = minCandidates, ScanChunkRows = scanChunk });
        var sw = Stopwatch.StartNew();
        index.AddRange(ids, data);
        Console.WriteLine($"bulk load (AddRange): {sw.Elapsed.TotalSeconds:F2} s");

        var queries = new float[64 * Dim];
        for (var i = 0; i < queries.Length; i++)
        {
            queries[i] = Component(rng, gaussian);
        }

        // The exact float brute force of every query: the reference each answer's top-1 is checked against.
        sw.Restart();
        var exactTop = index.SearchBatch(queries, 10, GallerySearchMode.Exact).Select(m => m[0]).ToArray();
        var quantTop = index.SearchBatch(queries, 10, GallerySearchMode.Quantized).Select(m => m[0]).ToArray();
        Console.WriteLine(string.Format(
            CultureInfo.InvariantCulture,
            "top-1 of the {0} queries, quantised against exact float brute force: {1} identical (subject and score), {2} differ ({3:F1} s)",
            exactTop.Length,
            exactTop.Zip(quantTop).Count(p => p.First == p.Second),
            exactTop.Zip(quantTop).Count(p => p.First != p.Second),
            sw.Elapsed.TotalSeconds));
        if (export is not null)
        {
            Export(export, data, queries, exactTop, quantTop);
        }

        data = [];

        foreach (var mode in exact ? new[] { GallerySearchMode.Quantized, GallerySearchMode.Exact } : [GallerySearchMode.Quantized])
        {
            foreach (var batch in new[] { 1, 8, 32 })
            {
                var lat = new List<double>();
                var until = Stopwatch.StartNew();
                index.SearchBatch(queries.AsSpan(0, batch * Dim), 10, mode); // warm
                var cpu0 = CpuMs();
                while (until.Elapsed.TotalSeconds < seconds / 3.0 || lat.Count < 5)
                {
                    var t = Stopwatch.GetTimestamp();
                    index.SearchBatch(queries.AsSpan(0, batch * Dim), 10, mode);
                    lat.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }

                var cpu = (CpuMs() - cpu0) / (lat.Count * batch);
                lat.Sort();
                var mean = lat.Average();
                Console.WriteLine(string.Format(
                    CultureInfo.InvariantCulture,
                    "{0,-9} batch {1,2}: per batch mean {2,7:F1} ms p50 {3,7:F1} p99 {4,7:F1} | per query {5,6:F2} ms, CPU {6,6:F2} ms | {7,6:F0} queries/s ({8} runs)",
                    mode,
                    batch,
                    mean,
                    lat[lat.Count / 2],
                    Percentile(lat, 0.99),
                    mean / batch,
                    cpu,
                    batch * 1000 / mean,
                    lat.Count));
            }
        }

        foreach (var c in callers)
        {
            RunBatcherAsync(index, queries, exactTop, c, seconds).GetAwaiter().GetResult();
        }

        if (rate > 0)
        {
            var batching = new GallerySearchBatcherOptions();
            batching = batching with
            {
                MinBatch = Arg(args, "--min-batch", batching.MinBatch),
                MaxWait = TimeSpan.FromMicroseconds(Arg(args, "--max-wait-us", (int)batching.MaxWait.TotalMicroseconds)),
                Workers = Arg(args, "--workers", batching.Workers),
            };
            var openLoop = new OpenLoopSettings(rate, seconds, Arg(args, "--warm-seconds", 2), Arg(args, "--arrival-fifo", 0) != 0);
            RunOpenLoopAsync(index, queries, exactTop, openLoop, batching).GetAwaiter().GetResult();
        }

        Console.WriteLine($"second quantised rounds: {index.QuantizedRetries}, exact fallbacks: {index.ExactFallbacks}");
        return 0;
    }

    private static async Task RunBatcherAsync(GalleryIndex index, float[] queries, GalleryMatch[] exactTop, int callers, int seconds)
    {
        await using var batcher = new GallerySearchBatcher(index, new GallerySearchBatcherOptions { MaxBatch = 32 });
        var stop = Stopwatch.StartNew();
        var cpu0 = CpuMs();
        var latencies = new List<double>[callers];
        var wrong = 0;
        var tasks = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = [];
            var q = queries.AsMemory((c % 64) * Dim, Dim);
            while (stop.Elapsed.TotalSeconds < seconds)
            {
                var t = Stopwatch.GetTimestamp();
                var top = (await batcher.SearchAsync(q, 10).WaitAsync(TimeSpan.FromSeconds(60)))[0];
                mine.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                if (top != exactTop[c % 64])
                {
                    Interlocked.Increment(ref wrong);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(seconds + 120));
        var elapsed = stop.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToList();
        Console.WriteLine(string.Format(
            CultureInfo.InvariantCulture,
            "batcher, {0} closed-loop callers: {1:F0} queries/s, latency p50 {2:F1} ms p99 {3:F1} ms, mean batch {4:F1}, CPU {5:F2} ms per query, top-1 not exact: {6}",
            callers,
            all.Count / elapsed,
            all[all.Count / 2],
            Percentile(all, 0.99),
            (double)batcher.QueriesRun / Math.Max(1, batcher.BatchesRun),
            (CpuMs() - cpu0) / all.Count,
            wrong));
    }

    /// <summary>
    /// Open loop: queries arrive as a Poisson process at <see cref="OpenLoopSettings.Rate"/> per second for
    /// <see cref="OpenLoopSettings.Seconds"/> regardless of how fast they are answered; latency counts from the scheduled
    /// arrival, so queueing shows. The arrival thread sleeps with <c>usleep</c> (about 0.1 ms resolution, never early) and
    /// its own lateness is reported, with the latency from the submission (the matcher's queue, search and hop, without the
    /// load generator's lateness). Each query's time is split into: the arrival thread's lateness (scheduled to
    /// submitted), the queue (submitted to the start of the batch that answered it), the search (that batch), and the hop
    /// to the caller's continuation (a thread-pool thread); for the shared scan instead: the queue to joining it, the wait for
    /// its first step, its steps (with its longest step and the queries in flight in them), the re-rank, and the hop; with the GC's collections and pauses, and each thread's wait
    /// in the OS run queue (<c>/proc/self/task/*/schedstat</c>) over the run. The same open loop runs for
    /// <see cref="OpenLoopSettings.WarmSeconds"/> first, unreported, so the JIT's tier-up and the thread pool's threads
    /// are settled before the measurement (a matcher runs for hours; 4,000 queries in one burst left the tier-up inside it).
    /// </summary>
    private static async Task RunOpenLoopAsync(GalleryIndex index, float[] queries, GalleryMatch[] exactTop, OpenLoopSettings settings, GallerySearchBatcherOptions batching)
    {
        Console.WriteLine($"open loop batching: a plain batch starts at {batching.MinBatch} queries or after {batching.MaxWait.TotalMilliseconds:F1} ms, at most {batching.MaxBatch}, {(batching.Workers > 0 ? batching.Workers.ToString(CultureInfo.InvariantCulture) : "one per core:")} workers; arrival thread {(settings.ArrivalFifo ? "SCHED_FIFO (stands for the network: the kernel's receive path runs before any thread of the matcher)" : "an ordinary thread")}; {settings.WarmSeconds} s warm-up at the same rate");
        await using var batcher = new GallerySearchBatcher(index, batching);
        await Task.WhenAll(Enumerable.Range(0, 4000).Select(i => batcher.SearchAsync(queries.AsMemory((i % 64) * Dim, Dim), 10))); // warm up
        if (settings.WarmSeconds > 0)
        {
            await OpenLoopOnceAsync(batcher, queries, exactTop, settings with { Seconds = settings.WarmSeconds }, report: false);
        }

        await OpenLoopOnceAsync(batcher, queries, exactTop, settings, report: true);
    }

    private static async Task OpenLoopOnceAsync(GallerySearchBatcher batcher, float[] queries, GalleryMatch[] exactTop, OpenLoopSettings settings, bool report)
    {
        var (rate, seconds) = (settings.Rate, settings.Seconds);
        var rng = new Random(report ? 7 : 8);
        var total = rate * seconds;
        var scheduled = new long[total];
        var submitted = new long[total];
        var continued = new long[total];
        var stamps = new SearchStamps[total];
        for (var i = 0; i < total; i++)
        {
            stamps[i] = new SearchStamps();
        }

        // Nothing of a query outlives its answer but its timestamps (allocated above, before the collection below): keeping
        // every task and answer alive, as this harness did, promoted them through gen0 and gen1 and made its GC pauses
        // tens of milliseconds, which a matcher (it keeps nothing of an answer) does not have.
        var left = total;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wrong = 0;
        long arrivalRun = 0, arrivalWait = 0;
        var fifo = "";
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var gc0 = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        var pool0 = ThreadPool.CompletedWorkItemCount;
        var sched0 = RunQueueWaits();
        var batches0 = batcher.BatchesRun;
        var queries0 = batcher.QueriesRun;
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
        var cpu0 = CpuMs();
        var arrivals = new Thread(() =>
        {
            if (settings.ArrivalFifo)
            {
                var param = 10;
                fifo = sched_setscheduler(0, 1 /* SCHED_FIFO */, ref param) == 0 ? "" : $" (SCHED_FIFO refused: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})";
            }

            var due = 0.0;
            for (var i = 0; i < total; i++)
            {
                due += -Math.Log(1 - rng.NextDouble()) / rate;
                var at = start + (long)(due * Stopwatch.Frequency);
                while (true)
                {
                    var left = at - Stopwatch.GetTimestamp();
                    if (left <= 0)
                    {
                        break;
                    }

                    _ = usleep((uint)Math.Max(1, left * 1_000_000 / Stopwatch.Frequency));
                }

                scheduled[i] = at;
                submitted[i] = Stopwatch.GetTimestamp();
                var slot = i;
                _ = batcher.SearchAsync(queries.AsMemory((i % 64) * Dim, Dim), 10, CancellationToken.None, stamps[i])
                    .ContinueWith(
                        t =>
                        {
                            continued[slot] = Stopwatch.GetTimestamp();
                            if (t.Result[0] != exactTop[slot % 64])
                            {
                                Interlocked.Increment(ref wrong);
                            }

                            if (Interlocked.Decrement(ref left) == 0)
                            {
                                done.TrySetResult();
                            }
                        },
                        TaskScheduler.Default);
            }

            var own = File.ReadAllText("/proc/thread-self/schedstat").Split(' ');
            (arrivalRun, arrivalWait) = (long.Parse(own[0], CultureInfo.InvariantCulture), long.Parse(own[1], CultureInfo.InvariantCulture));
        }) { IsBackground = true, Name = "arrivals" };
        arrivals.Start();
        arrivals.Join();
        await done.Task.WaitAsync(TimeSpan.FromSeconds(seconds + 120));
        if (!report)
        {
            return;
        }

        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var cpu = CpuMs() - cpu0;
        var gc1 = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        var sched1 = RunQueueWaits();
        sched1["arrivals"] = (arrivalRun, arrivalWait);
        static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        var latency = new double[total];
        var fromSubmit = new double[total];
        var late = new double[total];
        var queued = new double[total];
        var search = new double[total];
        var hop = new double[total];
        for (var i = 0; i < total; i++)
        {
            latency[i] = Ms(continued[i] - scheduled[i]);
            fromSubmit[i] = Ms(continued[i] - submitted[i]);
            late[i] = Ms(submitted[i] - scheduled[i]);
            queued[i] = Ms(stamps[i].Started - submitted[i]);
            search[i] = Ms(stamps[i].Finished - stamps[i].Started);
            hop[i] = Ms(continued[i] - stamps[i].Finished);
        }

        var sorted = latency.Order().ToList();
        Console.WriteLine(string.Format(
            CultureInfo.InvariantCulture,
            "open loop, {0}/s Poisson for {1} s: {2} queries in {3:F1} s, latency p50 {4:F1} ms p90 {5:F1} p99 {6:F1} max {7:F1}, mean batch {8:F1}, CPU {9:F3} ms per query ({10:F2} cores), top-1 not exact: {11}{12}",
            rate,
            seconds,
            total,
            elapsed,
            sorted[sorted.Count / 2],
            Percentile(sorted, 0.90),
            Percentile(sorted, 0.99),
            sorted[^1],
            (double)(batcher.QueriesRun - queries0) / Math.Max(1, batcher.BatchesRun - batches0),
            cpu / total,
            cpu / 1000 / elapsed,
            wrong,
            fifo));
        var tail = Percentile(sorted, 0.99);
        var slow = Enumerable.Range(0, total).Where(i => latency[i] >= tail).ToArray();
        // A plain batch stamps its start and end; the shared scan (the 1,000,000-row gallery) stamps when a query joined
        // it, when its first step began, when its last step ended and when it was answered after the re-rank.
        var stamped = stamps.All(s => s.Finished != 0);
        var shared = stamped && stamps.All(s => s.Joined != 0);
        var split = new List<(string, double[])> { ("from submission", fromSubmit), ("arrival lateness", late) };
        if (shared)
        {
            split.Add(("queue (to joining)", stamps.Select((s, i) => Ms(s.Joined - submitted[i])).ToArray()));
            split.Add(("wait for 1st step", stamps.Select(s => Ms(s.Started - s.Joined)).ToArray()));
            split.Add(("scan (its steps)", stamps.Select(s => Ms(s.ScanEnd - s.Started)).ToArray()));
            split.Add(("re-rank, answer", stamps.Select(s => Ms(s.Finished - s.ScanEnd)).ToArray()));
            split.Add(("longest step", stamps.Select(s => Ms(s.LongestStep)).ToArray()));
            split.Add(("hop to continuation", hop));
        }
        else if (stamped)
        {
            split.AddRange([("queue wait", queued), ("search (its batch)", search), ("hop to continuation", hop)]);
        }
        else
        {
            Console.WriteLine("  (not every query was stamped: no split into queue wait, search and hop)");
        }

        foreach (var (name, values) in split)
        {
            var v = values.Order().ToList();
            Console.WriteLine(string.Format(
                CultureInfo.InvariantCulture,
                "  {0,-20} p50 {1,6:F2} ms p90 {2,6:F2} p99 {3,6:F2} max {4,6:F2} | mean over the slowest 1 % ({5} queries): {6,6:F2} ms",
                name,
                v[v.Count / 2],
                Percentile(v, 0.90),
                Percentile(v, 0.99),
                v[^1],
                slow.Length,
                slow.Average(i => values[i])));
        }

        if (shared)
        {
            // Queries by the mean number of queries in their steps: how long one round over the gallery takes with 1, 2,
            // 3-4, 5-8 and more queries in flight, and how the round's steps were shared between the two workers.
            static string Bucket(double q) => q < 1.5 ? "1" : q < 2.5 ? "2" : q < 4.5 ? "3-4" : q < 8.5 ? "5-8" : "9+";
            var rounds = stamps.Select(s => (Queries: (double)s.StepQueries / s.Steps, ScanMs: Ms(s.ScanEnd - s.Started))).ToArray();
            var byQueries = rounds.GroupBy(r => Bucket(r.Queries)).OrderBy(g => g.Min(r => r.Queries))
                .Select(g =>
                {
                    var v = g.Select(r => r.ScanMs).Order().ToList();
                    return string.Create(CultureInfo.InvariantCulture, $"{g.Key}: {g.Count() * 100.0 / total:F0} % (p50 {v[v.Count / 2]:F1} ms, p99 {Percentile(v, 0.99):F1})");
                });
            Console.WriteLine($"  queries by the mean queries in flight in their steps (their scan's time): {string.Join(", ", byQueries)}");
            var share = stamps.Select(s => (double)s.StepsWorker0 / s.Steps).ToArray();
            var shares = share.Order().ToList();
            Console.WriteLine(string.Format(
                CultureInfo.InvariantCulture,
                "  steps per query: mean {0:F1} (one round: {1}); worker 0's share of a query's steps: p1 {2:F2} p50 {3:F2} p99 {4:F2}, slowest 1 % mean {5:F2}; queries whose steps one worker ran >= 75 %: {6:F1} %",
                stamps.Average(s => s.Steps),
                stamps.Min(s => s.Steps),
                Percentile(shares, 0.01),
                Percentile(shares, 0.50),
                Percentile(shares, 0.99),
                slow.Average(i => share[i]),
                share.Count(x => x >= 0.75 || x <= 0.25) * 100.0 / total));
        }
        else
        {
            var batchSizes = stamps.Where(s => s.Finished != 0).GroupBy(s => Math.Min(s.Batch, 9)).OrderBy(g => g.Key)
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{(g.Key == 9 ? "9+" : g.Key.ToString(CultureInfo.InvariantCulture))}: {g.Count() * 100.0 / total:F0} % ({g.Average(s => Ms(s.Finished - s.Started)):F2} ms)"));
            Console.WriteLine($"  queries by the size of the batch that answered them (mean search time): {string.Join(", ", batchSizes)}");
        }

        Console.WriteLine(string.Format(
            CultureInfo.InvariantCulture,
            "  GC ({0}): {1} gen0, {2} gen1, {3} gen2 collections, {4:F1} ms paused in all; thread pool: {5} threads, {6} work items",
            System.Runtime.GCSettings.IsServerGC ? "server" : "workstation",
            gc1.Item1 - gc0.Item1,
            gc1.Item2 - gc0.Item2,
            gc1.Item3 - gc0.Item3,
            (gc1.Item4 - gc0.Item4).TotalMilliseconds,
            ThreadPool.ThreadCount,
            ThreadPool.CompletedWorkItemCount - pool0));
        var waits = sched1.Select(p => (p.Key, Ms: (p.Value.Wait - sched0.GetValueOrDefault(p.Key).Wait) / 1e6, Run: (p.Value.Run - sched0.GetValueOrDefault(p.Key).Run) / 1e6))
            .Where(p => p.Ms > 1 || p.Run > 1).OrderByDescending(p => p.Run);
        Console.WriteLine($"  OS run queue, per thread over the run (ran / waited for a core, ms): {string.Join(", ", waits.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Run:F0} / {p.Ms:F0}")))}");
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = false)]
    private static extern int usleep(uint microseconds);

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int sched_setscheduler(int pid, int policy, ref int priority);

    /// <summary>The open loop's arrivals: rate per second, measured seconds, unreported warm-up seconds, arrival thread under SCHED_FIFO.</summary>
    private sealed record OpenLoopSettings(int Rate, int Seconds, int WarmSeconds, bool ArrivalFifo);

    /// <summary>Per thread name (threads of one name summed): ns on a core and ns waiting in the run queue so far.</summary>
    private static Dictionary<string, (long Run, long Wait)> RunQueueWaits()
    {
        var result = new Dictionary<string, (long Run, long Wait)>();
        try
        {
            foreach (var task in Directory.GetDirectories("/proc/self/task"))
            {
                try
                {
                    var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                    name = name.StartsWith(".NET TP Worker", StringComparison.Ordinal) ? "thread pool" : name.StartsWith("gallery-scan", StringComparison.Ordinal) ? "scan workers" : name;
                    var f = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ');
                    var (run, wait) = result.GetValueOrDefault(name);
                    result[name] = (run + long.Parse(f[0], CultureInfo.InvariantCulture), wait + long.Parse(f[1], CultureInfo.InvariantCulture));
                }
                catch (IOException)
                {
                    // the thread ended meanwhile
                }
            }
        }
        catch (IOException)
        {
        }

        return result;
    }

    /// <summary>Writes the vectors (raw little-endian float32, row-major, as generated) and this run's top-1 per query.</summary>
    private static void Export(string dir, float[] data, float[] queries, GalleryMatch[] exactTop, GalleryMatch[] quantTop)
    {
        Directory.CreateDirectory(dir);
        using (var f = File.Create(Path.Combine(dir, "gallery.f32")))
        {
            for (long i = 0; i < data.Length; i += 1 << 24)
            {
                f.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan((int)i, (int)Math.Min(1 << 24, data.Length - i))));
            }
        }

        File.WriteAllBytes(Path.Combine(dir, "queries.f32"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(queries.AsSpan()).ToArray());
        File.WriteAllLines(Path.Combine(dir, "top1.tsv"), exactTop.Select((e, j) => string.Create(
            CultureInfo.InvariantCulture,
            $"{j}\t{e.SubjectId}\t{e.Score:R}\t{quantTop[j].SubjectId}\t{quantTop[j].Score:R}")));
        Console.WriteLine($"exported {data.Length / Dim:N0} gallery rows and {queries.Length / Dim} queries to {dir}");
    }

    /// <summary>A uniform component in [-0.5, 0.5), or a standard normal one (heavier tails: coarser int8 codes, a looser bound).</summary>
    private static float Component(Random rng, bool gaussian) =>
        gaussian ? (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())) : (float)(rng.NextDouble() - 0.5);

    private static double CpuMs() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];

    /// <summary>The integer after <paramref name="name"/> in <paramref name="args"/>, else <paramref name="fallback"/> (the gallery commands' options).</summary>
    internal static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The comma-separated integers after <paramref name="name"/> (e.g. <c>--callers 1,2,4,32</c>), else <paramref name="fallback"/>.</summary>
    internal static int[] Args(string[] args, string name, int[] fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1].Split(',').Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : fallback;
    }
}
