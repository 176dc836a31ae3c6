using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Biometrics.Matcher.Gallery;

namespace Biometrics.Benchmarks.Gallery;

/// <summary>
/// The ceiling of the int8 scan on this machine, and how close the panel kernels come to it:
/// <list type="bullet">
/// <item>how many 256-bit <c>vpdpbusd</c> a core retires per second with everything in registers (12 independent
/// accumulators, no loads: 12 leave the JIT room for the two inputs, so nothing spills; check with
/// <c>DOTNET_JitDisasm=Burst</c>), on one thread and on one thread per core;</item>
/// <item>a plain streaming read of the codes (GB/s) on one and on two threads;</item>
/// <item>the panel kernels (<c>Int8Kernels.ScorePanel</c>, the scan without its threshold compare) over the same codes
/// for 1-32 queries, streaming from memory and from L1, in ns per row and G <c>vpdpbusd</c>/s: whether a pass with a
/// few queries is bound by memory or by the kernel.</item>
/// </list>
/// A 512-dimension row costs 128 groups x 2 halves / 16 rows per panel = 16 instructions per query, so 1,000,000 rows
/// are 16,000,000 per query (docs/PERFORMANCE.md, "Gallery index").
/// On a CPU without AVX-VNNI the same figures are taken for the AVX2 path: its unit is a "madd", <c>vpmaddubsw</c> +
/// <c>vpmaddwd</c> (ones) + <c>vpaddd</c> on a 256-bit half of a group (32 multiply-adds, the work of one <c>vpdpbusd</c>),
/// 4 queries x 2 halves = 8 accumulators in registers as the 4-query tile holds them (docs/PERFORMANCE.md, "Seventh
/// round (2026-12-06): the AVX2 kernel").
/// Usage: <c>vnni-peak [--rows 1000000] [--seconds 2] [--scan-mb 256] [--ahead 1,2]</c> (<c>--scan-mb 0</c> skips the scan
/// part; <c>--ahead</c> lists the prefetch distances in panels the streaming figures are taken at, 0 = no prefetch, default 1 as the
/// scan does; docs/PERFORMANCE.md, "Issue 16, fourth round, second step").
/// </summary>
public static class VnniPeak
{
    private const int Dim = 512;

    /// <summary>Runs the measurement and prints a report; returns 0 (2 when the CPU has neither AVX-VNNI nor AVX2).</summary>
    public static int Run(string[] args)
    {
        if (!AvxVnni.IsSupported && !Avx2.IsSupported)
        {
            Console.WriteLine("neither AVX-VNNI nor AVX2 on this CPU: the scan is scalar");
            return 2;
        }

        var rows = GalleryBench.Arg(args, "--rows", 1_000_000);
        var seconds = GalleryBench.Arg(args, "--seconds", 2);
        var scanMb = GalleryBench.Arg(args, "--scan-mb", 256);
        var aheads = GalleryBench.Args(args, "--ahead", [1]);
        var perQuery = rows / 16.0 * (Dim / 4) * 2;
        if (AvxVnni.IsSupported)
        {
            Console.WriteLine($"# vnni-peak {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Trim()}; 256-bit vpdpbusd, 12 accumulators in registers");
            Console.WriteLine($"Avx10v1 (512-bit vpdpbusd in .NET 10): {Avx10v1.V512.IsSupported}; vpdpbusd per query against {rows:N0} rows x {Dim}: {perQuery:N0}");
            Peak(seconds, perQuery, Burst, 12, "vpdpbusd", string.Empty);
        }
        else
        {
            Console.WriteLine($"# vnni-peak {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Trim()}; no AVX-VNNI: the AVX2 path, a madd = vpmaddubsw + vpmaddwd + vpaddd on a 256-bit half, 8 accumulators in registers");
            Console.WriteLine($"ISA {Int8Kernels.Isa}; madds per query against {rows:N0} rows x {Dim}: {perQuery:N0}");
            Peak(seconds, perQuery, BurstAvx2, 8, "madd", ", 7-bit queries");
        }

        if (scanMb > 0)
        {
            Scan(scanMb, rows, aheads, AvxVnni.IsSupported ? "vpdpbusd" : "madd");
        }

        return 0;
    }

    /// <summary>Prints the in-register rate of <paramref name="burst"/> on one thread and on one thread per core, twice.</summary>
    private static void Peak(int seconds, double perQuery, Func<long, int> burst, int perIteration, string op, string form)
    {
        burst(1_000_000); // compile the loop before timing it
        foreach (var threads in new[] { 1, Environment.ProcessorCount, 1, Environment.ProcessorCount })
        {
            var rate = Measure(threads, seconds, burst, perIteration);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"threads {threads}: {rate / 1e9:F2} G {op}/s ({rate * 32 / 1e9:F0} GMAC/s), {rate / threads / 1e9:F2} G/s per thread; at most {rate / perQuery:F0} queries/s{form} if these threads did nothing but the kernel"));
        }
    }

    private static unsafe void Scan(int scanMb, int galleryRows, int[] aheads, string op)
    {
        var panelBytes = Int8Kernels.PanelBytes(Dim);
        var groups = Int8Kernels.PaddedDimension(Dim) / Int8Kernels.GroupDims;
        var panels = (int)((long)scanMb * 1024 * 1024 / panelBytes);
        var bytes = (nuint)((long)panels * panelBytes);
        var codes = (sbyte*)NativeMemory.AlignedAlloc(bytes, 64);
        const int MaxQueries = 32;
        var queries = (byte*)NativeMemory.AlignedAlloc((nuint)(MaxQueries * Dim), 64);
        try
        {
            var rng = new Random(1);
            var span = new Span<byte>(codes, (int)bytes);
            rng.NextBytes(span);
            for (var i = 0; i < MaxQueries * Dim; i++)
            {
                queries[i] = (byte)rng.Next(1, 128);
            }

            var rowsScanned = (double)panels * Int8Kernels.PanelRows;
            Console.WriteLine($"scan of {scanMb} MB of codes ({rowsScanned:N0} rows x {Dim}), one pass per figure, best of 3; ns per row are per thread's rows, so a pass over {galleryRows:N0} rows takes ns x {galleryRows:N0} / threads");
            foreach (var threads in new[] { 1, 2 })
            {
                var t = Best(() => Parallel(threads, panels, (p0, p1) => StreamRead(codes + ((long)p0 * panelBytes), (long)(p1 - p0) * panelBytes)));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"plain read, threads {threads}: {bytes / t / 1e9:F1} GB/s, {t * 1e9 / rowsScanned * threads:F2} ns per row per thread; a pass over {galleryRows:N0} rows {t * galleryRows / rowsScanned * 1e3:F1} ms"));
            }

            var raw = stackalloc int[Int8Kernels.MaxTile * Int8Kernels.PanelRows];
            foreach (var n in new[] { 1, 2, 3, 4, 8, 16, 32 })
            {
                foreach (var ahead in aheads)
                foreach (var threads in new[] { 1, 2 })
                {
                    var t = Best(() => Parallel(threads, panels, (p0, p1) => ScoreRange(codes, panelBytes, p0, p1, queries, n, groups, ahead)));
                    var instr = rowsScanned * n * 16;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"kernels, {n,2} queries, streaming, prefetch {ahead} ahead, threads {threads}: {t * 1e9 / rowsScanned * threads:F2} ns per row per thread, {instr / t / 1e9 / threads:F2} G {op}/s per thread; a pass over {galleryRows:N0} rows {t * galleryRows / rowsScanned * 1e3:F1} ms, {n / (t * galleryRows / rowsScanned):F0} queries/s"));
                }

                // One panel over and over: the codes in L1, the kernel alone.
                const int Repeats = 200_000;
                var tl = Best(() =>
                {
                    var sw = Stopwatch.StartNew();
                    var sink = 0;
                    for (var i = 0; i < Repeats; i++)
                    {
                        for (var j = 0; j < n; j += Int8Kernels.MaxTile)
                        {
                            var c = Math.Min(Int8Kernels.MaxTile, n - j);
                            Int8Kernels.ScorePanel(codes + ((i & 1) * panelBytes), queries + (j * Dim), c, groups, raw, Int8Kernels.WideQueryBits);
                            sink += raw[0];
                        }
                    }

                    GC.KeepAlive(sink);
                    return sw.Elapsed.TotalSeconds;
                });
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"kernels, {n,2} queries, from L1, threads 1: {tl * 1e9 / (Repeats * 16.0):F2} ns per row, {Repeats * 16.0 * n * 16 / tl / 1e9:F2} G {op}/s"));
            }
        }
        finally
        {
            NativeMemory.AlignedFree(codes);
            NativeMemory.AlignedFree(queries);
        }
    }

    private static unsafe void ScoreRange(sbyte* codes, int panelBytes, int p0, int p1, byte* queries, int n, int groups, int ahead)
    {
        var raw = stackalloc int[Int8Kernels.MaxTile * Int8Kernels.PanelRows];
        var sink = 0;
        for (var p = p0; p < p1; p++)
        {
            var panel = codes + ((long)p * panelBytes);
            for (var j = 0; j < n; j += Int8Kernels.MaxTile)
            {
                Int8Kernels.ScorePanel(panel, queries + (j * Dim), Math.Min(Int8Kernels.MaxTile, n - j), groups, raw, Int8Kernels.WideQueryBits, ahead > 0 && p + ahead < p1 ? panel + ((long)ahead * panelBytes) : panel);
                sink += raw[0];
            }
        }

        GC.KeepAlive(sink);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe int StreamRead(sbyte* p, long bytes)
    {
        Vector256<int> a = default, b = default, c = default, d = default;
        for (long i = 0; i + 128 <= bytes; i += 128)
        {
            a += Vector256.Load((int*)(p + i));
            b += Vector256.Load((int*)(p + i + 32));
            c += Vector256.Load((int*)(p + i + 64));
            d += Vector256.Load((int*)(p + i + 96));
        }

        return (a + b + c + d).ToScalar();
    }

    /// <summary>Runs <paramref name="work"/> on <paramref name="threads"/> dedicated threads over equal shares of the panels; seconds.</summary>
    private static double Parallel(int threads, int panels, Action<int, int> work)
    {
        var share = panels / threads;
        var sw = Stopwatch.StartNew();
        var ts = Enumerable.Range(0, threads).Select(t => new Thread(() => work(t * share, (t + 1) * share))).ToArray();
        foreach (var t in ts)
        {
            t.Start();
        }

        foreach (var t in ts)
        {
            t.Join();
        }

        return sw.Elapsed.TotalSeconds * panels / (share * threads);
    }

    private static double Best(Func<double> run)
    {
        var best = double.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            best = Math.Min(best, run());
        }

        return best;
    }

    private static double Measure(int threads, int seconds, Func<long, int> burst, int perIteration)
    {
        const long Iterations = 50_000_000; // 400-600 M instructions per burst: a fraction of a second
        var bursts = new long[threads];
        var until = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * seconds);
        var sw = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                burst(Iterations);
                bursts[t]++;
            }
        })).ToArray();
        foreach (var w in workers)
        {
            w.Start();
        }

        foreach (var w in workers)
        {
            w.Join();
        }

        return bursts.Sum() * Iterations * (double)perIteration / sw.Elapsed.TotalSeconds;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Burst(long iterations)
    {
        // 12 accumulators: with 16 the JIT kept 14 in registers and moved the others through memory each iteration
        // (vmovaps), which measured 4.2-4.4 G/s per core instead of the 6.7-6.8 G/s the core retires.
        var x = Vector256.Create((byte)3);
        var y = Vector256.Create((sbyte)5);
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector256<int> a6 = default, a7 = default, a8 = default, a9 = default, a10 = default, a11 = default;
        for (long i = 0; i < iterations; i++)
        {
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, x, y);
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, x, y);
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, x, y);
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, x, y);
            a4 = AvxVnni.MultiplyWideningAndAdd(a4, x, y);
            a5 = AvxVnni.MultiplyWideningAndAdd(a5, x, y);
            a6 = AvxVnni.MultiplyWideningAndAdd(a6, x, y);
            a7 = AvxVnni.MultiplyWideningAndAdd(a7, x, y);
            a8 = AvxVnni.MultiplyWideningAndAdd(a8, x, y);
            a9 = AvxVnni.MultiplyWideningAndAdd(a9, x, y);
            a10 = AvxVnni.MultiplyWideningAndAdd(a10, x, y);
            a11 = AvxVnni.MultiplyWideningAndAdd(a11, x, y);
        }

        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).ToScalar();
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int BurstAvx2(long iterations)
    {
        // 4 queries x 2 halves = 8 accumulators, as Tile4Avx2 holds them. The halves change every iteration (one vpaddb
        // each, not a multiply) so the JIT cannot hoist the products out of the loop.
        var ones = Vector256.Create((short)1);
        var step = Vector256.Create((sbyte)1);
        var q0 = Vector256.Create((byte)3);
        var q1 = Vector256.Create((byte)5);
        var q2 = Vector256.Create((byte)7);
        var q3 = Vector256.Create((byte)9);
        var x = Vector256.Create((sbyte)11);
        var y = Vector256.Create((sbyte)-13);
        Vector256<int> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(q0, x), ones));
            b0 = Avx2.Add(b0, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(q0, y), ones));
            a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(q1, x), ones));
            b1 = Avx2.Add(b1, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(q1, y), ones));
            a2 = Avx2.Add(a2, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(q2, x), ones));
            b2 = Avx2.Add(b2, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(q2, y), ones));
            a3 = Avx2.Add(a3, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(q3, x), ones));
            b3 = Avx2.Add(b3, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(q3, y), ones));
            x = Avx2.Add(x, step);
            y = Avx2.Add(y, step);
        }

        return (a0 + b0 + a1 + b1 + a2 + b2 + a3 + b3).ToScalar();
    }
}
