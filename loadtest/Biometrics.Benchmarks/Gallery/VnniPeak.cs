using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Biometrics.Benchmarks.Gallery;

/// <summary>
/// The ceiling of the int8 scan on this machine: how many 256-bit <c>vpdpbusd</c> a core retires per second with
/// everything in registers (16 independent accumulators, no loads), on one thread and on one thread per core, and what
/// that allows for Identify against a gallery: a 512-dimension row costs 128 groups x 2 halves / 16 rows per panel =
/// 16 instructions, so 1,000,000 rows are 16,000,000 per query (docs/PERFORMANCE.md, "Gallery index").
/// Usage: <c>vnni-peak [--rows 1000000] [--seconds 2]</c>.
/// </summary>
public static class VnniPeak
{
    /// <summary>Runs the measurement and prints a report; returns 0 (2 when the CPU has no AVX-VNNI).</summary>
    public static int Run(string[] args)
    {
        if (!AvxVnni.IsSupported)
        {
            Console.WriteLine("AVX-VNNI is not available on this CPU: the scan uses vpmaddubsw + vpmaddwd");
            return 2;
        }

        var rows = Arg(args, "--rows", 1_000_000);
        var seconds = Arg(args, "--seconds", 2);
        var perQuery = rows / 16.0 * (512 / 4) * 2;
        Console.WriteLine($"# vnni-peak {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC, {Environment.ProcessorCount} cores; 256-bit vpdpbusd, 16 accumulators in registers");
        Console.WriteLine($"Avx10v1 (512-bit vpdpbusd in .NET 10): {Avx10v1.V512.IsSupported}; vpdpbusd per query against {rows:N0} rows x 512: {perQuery:N0}");
        Burst(1_000_000); // compile the loop before timing it
        foreach (var threads in new[] { 1, Environment.ProcessorCount, 1, Environment.ProcessorCount })
        {
            var rate = Measure(threads, seconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"threads {threads}: {rate / 1e9:F2} G vpdpbusd/s ({rate * 32 / 1e9:F0} GMAC/s), {rate / threads / 1e9:F2} G/s per thread; at most {rate / perQuery:F0} queries/s if these threads did nothing but the kernel"));
        }

        return 0;
    }

    private static double Measure(int threads, int seconds)
    {
        const long Iterations = 50_000_000; // 800 M instructions per burst: a fraction of a second
        var bursts = new long[threads];
        var until = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * seconds);
        var sw = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                Burst(Iterations);
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

        return bursts.Sum() * Iterations * 16.0 / sw.Elapsed.TotalSeconds;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Burst(long iterations)
    {
        var x = Vector256.Create((byte)3);
        var y = Vector256.Create((sbyte)5);
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector256<int> a8 = default, a9 = default, a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default;
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
            a12 = AvxVnni.MultiplyWideningAndAdd(a12, x, y);
            a13 = AvxVnni.MultiplyWideningAndAdd(a13, x, y);
            a14 = AvxVnni.MultiplyWideningAndAdd(a14, x, y);
            a15 = AvxVnni.MultiplyWideningAndAdd(a15, x, y);
        }

        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15).ToScalar();
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
