using Biometrics.LoadTest.Cli;
using Biometrics.LoadTest.Data;

namespace Biometrics.LoadTest.Tests;

public sealed class TrafficProfileTests
{
    [Fact]
    public void Shares_DesignFigures_FollowFromCrossingsPerYear()
    {
        var profile = new TrafficProfile();

        // 300 M / 365 = 821,918 a day; 10 % in the busiest hour, doubled for peak days: 45.7 crossings/s.
        Assert.Equal(45.66, profile.PeakCrossingsPerSecond, 0.01);
        Assert.Equal(54.79, profile.VerifyPerSecond, 0.01);
        Assert.Equal(profile.VerifyPerSecond, profile.WatchlistPerSecond);
        Assert.Equal(0.0761, profile.EnrolPerSecond, 0.0001);
        var (v, w, e) = profile.Shares;
        Assert.Equal(1.0, v + w + e, 1e-12);
    }

    [Fact]
    public void Build_Mixed_ThreeScenariosWhoseRatesSplitTheTotal()
    {
        var scenarios = ScenarioFactory.Build(CommandLine.Options("run", ["--scenario", "mixed", "--target", "http://127.0.0.1:1", "--rate", "10000", "--warmup", "1s", "--duration", "2s"]));
        var (v, w, e) = new TrafficProfile().Shares;

        Assert.Equal(["mixed-verify", "mixed-watchlist", "mixed-enrol"], scenarios.Select(s => s.Name));
        var rates = scenarios.Select(s => ((Engine.LoadSimulation.Inject)s.Simulations[0]).PerSecond).ToList();
        Assert.Equal(10000 * v, rates[0], 1e-6);
        Assert.Equal(10000 * w, rates[1], 1e-6);
        Assert.Equal(10000 * e, rates[2], 1e-6);
        Assert.All(scenarios, s => Assert.Equal(Engine.ArrivalProcess.Poisson, s.Arrival));
    }

    [Fact]
    public void Build_GatePeak_PoissonArrivalsAtLanesOverInterval()
    {
        var s = ScenarioFactory.Build(CommandLine.Options("run", ["--scenario", "gate-peak", "--target", "http://127.0.0.1:1", "--lanes", "700", "--traveller-interval", "10s"])).Single();

        Assert.Equal(70, ((Engine.LoadSimulation.Inject)s.Simulations[0]).PerSecond, 1e-9);
        Assert.Equal(Engine.ArrivalProcess.Poisson, s.Arrival);
        Assert.Equal(2800, s.MaxInFlight);
    }
}
