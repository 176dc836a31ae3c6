using Biometrics.LoadTest.Engine;

namespace Biometrics.LoadTest.Tests;

public sealed class ArrivalScheduleTests
{
    private static List<long> All(ArrivalSchedule schedule)
    {
        var list = new List<long>();
        while (schedule.TryPeek(out var t))
        {
            list.Add(t);
            schedule.Advance();
        }

        return list;
    }

    [Fact]
    public void TryPeek_UniformInject_EvenlySpacedAtTheRate()
    {
        var times = All(new ArrivalSchedule([new LoadSimulation.Inject(1000, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10))], ArrivalProcess.Uniform, 1));

        Assert.Equal(10_000, times.Count);
        Assert.Equal(0, times[0]);
        Assert.All(times.Zip(times.Skip(1)), p => Assert.InRange(p.Second - p.First, 999_999, 1_000_001));
    }

    [Fact]
    public void TryPeek_InjectPerInterval_RateIsPerInterval()
    {
        var times = All(new ArrivalSchedule([new LoadSimulation.Inject(50, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2))], ArrivalProcess.Uniform, 1));
        Assert.Equal(1000, times.Count);
    }

    [Fact]
    public void TryPeek_RampingInjectFromZero_LinearRateAndHalfTheArrivals()
    {
        var times = All(new ArrivalSchedule([new LoadSimulation.RampingInject(1000, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10))], ArrivalProcess.Uniform, 1));

        Assert.InRange(times.Count, 4999, 5001);
        // Rate at t is 100 t: the first 5 s carry a quarter of the arrivals.
        Assert.InRange(times.Count(t => t < 5_000_000_000), 1249, 1251);
    }

    [Fact]
    public void TryPeek_PauseBetweenInjects_NoArrivalsInThePause()
    {
        var times = All(new ArrivalSchedule(
        [
            new LoadSimulation.Inject(100, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)),
            new LoadSimulation.Pause(TimeSpan.FromSeconds(1)),
            new LoadSimulation.Inject(100, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)),
        ], ArrivalProcess.Uniform, 1));

        Assert.Equal(200, times.Count);
        Assert.DoesNotContain(times, t => t >= 1_000_000_000 && t < 2_000_000_000);
    }

    [Fact]
    public void TryPeek_Poisson_CountAndGapsMatchTheRate()
    {
        var times = All(new ArrivalSchedule([new LoadSimulation.Inject(2000, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(50))], ArrivalProcess.Poisson, 5));

        // 100,000 expected; the standard deviation of a Poisson count is sqrt(100,000) = 316.
        Assert.InRange(times.Count, 100_000 - 1500, 100_000 + 1500);
        var gaps = times.Zip(times.Skip(1), (a, b) => (b - a) / 1e9).ToList();
        var mean = gaps.Average();
        var sd = Math.Sqrt(gaps.Average(g => (g - mean) * (g - mean)));
        Assert.InRange(mean, 0.00049, 0.00051);
        Assert.InRange(sd / mean, 0.97, 1.03); // exponential gaps: coefficient of variation 1
        Assert.Equal(times.Order().ToList(), times);
    }

    [Fact]
    public void TryPeek_SameSeed_SameSchedule()
    {
        LoadSimulation[] sims = [new LoadSimulation.Inject(500, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2))];
        Assert.Equal(All(new ArrivalSchedule(sims, ArrivalProcess.Poisson, 9)), All(new ArrivalSchedule(sims, ArrivalProcess.Poisson, 9)));
    }
}
