using Biometrics.LoadTest.Histograms;

namespace Biometrics.LoadTest.Tests;

public sealed class LatencyHistogramTests
{
    [Theory]
    [InlineData(6)]
    [InlineData(10)]
    public void ValueAtPercentile_LogNormalLatencies_WithinBucketErrorOfExact(int bits)
    {
        var random = new Random(42);
        var histogram = new LatencyHistogram(bits);
        var values = new long[200_000];
        for (var i = 0; i < values.Length; i++)
        {
            // Log-normal around 1 ms with a long tail, in nanoseconds.
            var g = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            values[i] = (long)(1_000_000 * Math.Exp(1.2 * g));
            histogram.Record(values[i]);
        }

        Array.Sort(values);
        foreach (var p in new[] { 0.0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100 })
        {
            var exact = values[Math.Max(0, (int)Math.Ceiling(p / 100 * values.Length) - 1)];
            var reported = histogram.ValueAtPercentile(p);
            Assert.InRange(reported, exact, (long)Math.Ceiling(exact * (1 + histogram.RelativeError)));
        }

        Assert.Equal(values[^1], histogram.Max);
        Assert.Equal(values[0], histogram.Min);
        Assert.Equal(values.Average(v => (double)v), histogram.Mean, 1e-6 * histogram.Mean);
    }

    [Fact]
    public void IndexOf_EveryMagnitude_ValueLiesWithinItsBucketAndBucketWidthIsBounded()
    {
        var histogram = new LatencyHistogram(8);
        var random = new Random(7);
        for (var i = 0; i < 100_000; i++)
        {
            var value = (long)(random.NextDouble() * Math.Pow(2, random.Next(0, 62)));
            var index = histogram.IndexOf(value);
            var low = histogram.LowestEquivalent(index);
            var high = histogram.HighestEquivalent(index);
            Assert.InRange(value, low, high);
            Assert.True(high - low <= Math.Max(0, low * histogram.RelativeError), $"bucket [{low}, {high}] too wide");
            if (index > 0)
            {
                Assert.Equal(low - 1, histogram.HighestEquivalent(index - 1));
            }
        }
    }

    [Fact]
    public void ValueAtPercentile_SmallValues_AreExact()
    {
        var histogram = new LatencyHistogram(10);
        for (var v = 1; v <= 1000; v++)
        {
            histogram.Record(v);
        }

        Assert.Equal(500, histogram.ValueAtPercentile(50));
        Assert.Equal(990, histogram.ValueAtPercentile(99));
        Assert.Equal(1000, histogram.ValueAtPercentile(100));
        Assert.Equal(1, histogram.ValueAtPercentile(0));
    }

    [Fact]
    public void Record_FromManyThreads_CountsEveryValue()
    {
        var histogram = new LatencyHistogram(10);
        Parallel.For(0, 8, t =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                histogram.Record(1000 + i);
            }
        });

        Assert.Equal(400_000, histogram.TotalCount);
        Assert.Equal(400_000, histogram.Buckets().Sum(b => b.Count));
        Assert.Equal(50_999, histogram.Max);
    }

    [Fact]
    public void Add_TwoHistograms_EqualsRecordingEverythingInOne()
    {
        var a = new LatencyHistogram(9);
        var b = new LatencyHistogram(9);
        var all = new LatencyHistogram(9);
        var random = new Random(3);
        for (var i = 0; i < 10_000; i++)
        {
            var v = random.NextInt64(1, 50_000_000);
            (i % 2 == 0 ? a : b).Record(v);
            all.Record(v);
        }

        a.Add(b);
        Assert.Equal(all.TotalCount, a.TotalCount);
        Assert.Equal(all.Max, a.Max);
        Assert.Equal(all.Min, a.Min);
        Assert.Equal(all.ValueAtPercentile(99), a.ValueAtPercentile(99));
    }

    [Fact]
    public void ValueAtPercentile_Empty_ReturnsZero()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.ValueAtPercentile(99));
        Assert.Equal(0, histogram.Min);
    }
}
