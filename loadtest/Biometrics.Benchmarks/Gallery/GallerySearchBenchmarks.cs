using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Biometrics.Matcher.Gallery;

namespace Biometrics.Benchmarks.Gallery;

/// <summary>
/// 1:N search over a synthetic gallery of random unit vectors (512-d). Per invocation one batch of
/// <see cref="Batch"/> queries is answered, so per-query latency = mean / Batch and queries/s = Batch / mean.
/// Baseline: a naive scalar loop over the same float rows (single core, no SIMD).
/// Run: <c>dotnet run -c Release --project loadtest/Biometrics.Benchmarks -- --filter '*GallerySearch*'</c>
/// (set <c>GALLERY_BENCH_ROWS</c> to change the gallery size; default 1,000,000, about 2.6 GB of memory).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class GallerySearchBenchmarks
{
    private const int Dim = 512;
    private GalleryIndex _index = null!;
    private float[] _rows = null!;
    private float[] _queries = null!;

    /// <summary>Queries per batch.</summary>
    [Params(1, 8, 32)]
    public int Batch { get; set; }

    /// <summary>Builds the gallery once (bulk AddRange, as a snapshot load does).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var n = int.TryParse(Environment.GetEnvironmentVariable("GALLERY_BENCH_ROWS"), out var r) ? r : 1_000_000;
        var rng = new Random(1);
        _rows = new float[(long)n * Dim];
        for (long i = 0; i < _rows.Length; i++)
        {
            _rows[i] = (float)(rng.NextDouble() - 0.5);
        }

        _queries = new float[32 * Dim];
        for (var i = 0; i < _queries.Length; i++)
        {
            _queries[i] = (float)(rng.NextDouble() - 0.5);
        }

        _index = new GalleryIndex("bench", "bench-model");
        _index.AddRange(Enumerable.Range(0, n).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(), _rows);
    }

    /// <summary>Frees the gallery.</summary>
    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    /// <summary>Naive scalar brute force, top-1 per query (the baseline; raw rows, not normalised - same work).</summary>
    [Benchmark(Baseline = true)]
    public float NaiveScalar()
    {
        var best = float.NegativeInfinity;
        var rows = _rows.Length / Dim;
        for (var j = 0; j < Batch; j++)
        {
            for (var r = 0; r < rows; r++)
            {
                var s = 0f;
                for (var d = 0; d < Dim; d++)
                {
                    s += _rows[(r * Dim) + d] * _queries[(j * Dim) + d];
                }

                best = Math.Max(best, s);
            }
        }

        return best;
    }

    /// <summary>Exact float scan (SIMD, blocked, both cores), top-10.</summary>
    [Benchmark]
    public int ExactFloat() => _index.SearchBatch(_queries.AsSpan(0, Batch * Dim), 10, GallerySearchMode.Exact).Length;

    /// <summary>int8 scan + exact re-rank (top-1 certified), top-10.</summary>
    [Benchmark]
    public int QuantizedInt8() => _index.SearchBatch(_queries.AsSpan(0, Batch * Dim), 10, GallerySearchMode.Quantized).Length;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.ShortRun.WithWarmupCount(1).WithIterationCount(5).WithInvocationCount(1).WithUnrollFactor(1));
            AddColumn(StatisticColumn.P95, StatisticColumn.Max);
        }
    }
}
