using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Biometrics.Matcher.Gallery;

namespace Biometrics.Benchmarks.Gallery;

/// <summary>
/// The quantised scan's inner kernel alone: 4,096 rows x 512 dimensions (2 MiB of codes, resident in L2) scored
/// against 8 queries per invocation, so the figures are compute, not memory. Baseline: the previous row-major
/// <c>vpmovsxbw</c> + <c>vpmaddwd</c> kernel with int16 queries (<see cref="RowMajorInt16Kernel"/>); against it the
/// 16-row panel kernels with 7-bit queries (<c>vpmaddubsw</c> + <c>vpmaddwd</c> per group) and 6-bit queries (two groups'
/// pair sums added in int16 per widening). Multiply-adds per second = 4096 * 512 * 8 / mean.
/// Run: <c>dotnet run -c Release --project loadtest/Biometrics.Benchmarks -- --filter '*GalleryKernel*'</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public unsafe class GalleryKernelBenchmarks
{
    private const int Dim = 512;
    private const int Rows = 4096;
    private const int Queries = 8;
    private sbyte* _rowMajor;
    private sbyte* _panels;
    private short* _q16;
    private byte* _q7;
    private byte* _q6;
    private int* _out;

    /// <summary>Random codes in both layouts and random queries in every format.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(3);
        _rowMajor = (sbyte*)NativeMemory.AlignedAlloc(Rows * Dim, 64);
        _panels = (sbyte*)NativeMemory.AlignedAlloc(Rows * Dim, 64);
        _q16 = (short*)NativeMemory.AlignedAlloc(Queries * Dim * sizeof(short), 64);
        _q7 = (byte*)NativeMemory.AlignedAlloc(Queries * Dim, 64);
        _q6 = (byte*)NativeMemory.AlignedAlloc(Queries * Dim, 64);
        _out = (int*)NativeMemory.AlignedAlloc(Rows * Queries * sizeof(int), 64);
        for (var i = 0; i < Rows * Dim; i++)
        {
            _rowMajor[i] = (sbyte)rng.Next(-127, 128);
        }

        for (var r = 0; r < Rows; r++)
        {
            Int8Kernels.StoreRow(
                _panels + ((r / Int8Kernels.PanelRows) * Int8Kernels.PanelBytes(Dim)),
                r % Int8Kernels.PanelRows,
                new ReadOnlySpan<sbyte>(_rowMajor + (r * Dim), Dim));
        }

        for (var i = 0; i < Queries * Dim; i++)
        {
            _q16[i] = (short)rng.Next(-32767, 32768);
            _q7[i] = (byte)rng.Next(1, 128);
            _q6[i] = (byte)rng.Next(1, 64);
        }
    }

    /// <summary>Frees the buffers.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.AlignedFree(_rowMajor);
        NativeMemory.AlignedFree(_panels);
        NativeMemory.AlignedFree(_q16);
        NativeMemory.AlignedFree(_q7);
        NativeMemory.AlignedFree(_q6);
        NativeMemory.AlignedFree(_out);
    }

    /// <summary>Previous kernel: row-major int8 x int16 queries, four queries per row, horizontal sums.</summary>
    [Benchmark(Baseline = true)]
    public int RowMajorInt16()
    {
        for (var r = 0; r < Rows; r++)
        {
            var row = _rowMajor + (r * Dim);
            for (var j = 0; j < Queries; j += 4)
            {
                var q = _q16 + (j * Dim);
                RowMajorInt16Kernel.Dot4(row, q, q + Dim, q + (2 * Dim), q + (3 * Dim), Dim, _out + (r * Queries) + j);
            }
        }

        return _out[0];
    }

    /// <summary>Panel kernel, 7-bit queries: one vpmaddubsw + one vpmaddwd per 64 multiply-adds.</summary>
    [Benchmark]
    public int Panel7Bit() => Panels(_q7, Int8Kernels.WideQueryBits);

    /// <summary>Panel kernel, 6-bit queries: two vpmaddubsw + one vpmaddwd per 128 multiply-adds.</summary>
    [Benchmark]
    public int Panel6Bit() => Panels(_q6, Int8Kernels.NarrowQueryBits);

    private int Panels(byte* queries, int bits)
    {
        var pb = Int8Kernels.PanelBytes(Dim);
        for (var p = 0; p < Rows / Int8Kernels.PanelRows; p++)
        {
            Int8Kernels.ScorePanel(_panels + (p * pb), queries, Queries, Dim / Int8Kernels.GroupDims, _out + (p * Int8Kernels.PanelRows * Queries), bits);
        }

        return _out[0];
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // In-process: no generated project to build on the shared 2-core machine; the kernels need no isolation.
            AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(10).WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(StatisticColumn.P95);
        }
    }
}
