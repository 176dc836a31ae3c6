using Biometrics.LoadTest.Cli;
using Biometrics.LoadTest.Engine;

namespace Biometrics.LoadTest.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void Options_FlagsValuesAndEquals_ReadBackTyped()
    {
        var map = CommandLine.Options("run", ["--rate", "2000", "--duration=1m", "--no-progress", "--p99-ms", "10"]);

        Assert.Equal(2000, map.Double("rate", 0));
        Assert.Equal(TimeSpan.FromMinutes(1), map.Duration("duration", TimeSpan.Zero));
        Assert.True(map.Flag("no-progress"));
        Assert.Equal(10, map.OptionalDouble("p99Ms"));
        Assert.Null(map.OptionalDouble("min-rps"));
    }

    [Theory]
    [InlineData("250ms", 0.25)]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("1h", 3600)]
    [InlineData("1.5", 1.5)]
    public void ParseDuration_Units_Seconds(string text, double seconds)
        => Assert.Equal(TimeSpan.FromSeconds(seconds), ArgumentMap.ParseDuration(text));

    [Fact]
    public void Build_RateRampWarmupDuration_RampThenInjectWithWarmUpExcluded()
    {
        var scenario = ScenarioFactory.Build(CommandLine.Options("run", ["--scenario", "noop", "--rate", "500", "--ramp-up", "2s", "--warmup", "3s", "--duration", "10s"])).Single();

        Assert.Equal(
            [new LoadSimulation.RampingInject(500, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)), new LoadSimulation.Inject(500, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(13))],
            scenario.Simulations);
        Assert.Equal(TimeSpan.FromSeconds(5), scenario.WarmUp);
    }

    [Fact]
    public void Build_Closed_KeepConstant()
    {
        var scenario = ScenarioFactory.Build(CommandLine.Options("run", ["--scenario", "noop", "--closed", "4", "--warmup", "1s", "--duration", "2s"])).Single();
        Assert.True(scenario.IsClosedModel);
        Assert.Equal(new LoadSimulation.KeepConstant(4, TimeSpan.FromSeconds(3)), scenario.Simulations.Single());
    }

    [Fact]
    public void Load_ScenarioFile_EntriesInheritTopLevelAndCommandLineOverrides()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """
                {
                  "warmup": "1s", "duration": "5s", "p99Ms": 20,
                  "scenarios": [
                    { "scenario": "noop", "name": "a", "rate": 100 },
                    { "scenario": "noop", "name": "b", "maxInFlight": 7,
                      "simulations": [ { "rampingInject": { "rate": 50, "during": "2s" } }, { "inject": { "rate": 10, "interval": "100ms", "during": "3s" } } ] }
                  ]
                }
                """);
            var (scenarios, settings) = RunCommand.Load(CommandLine.Options("run", ["--file", file, "--duration", "2s"]));

            Assert.Equal(["a", "b"], scenarios.Select(s => s.Name));
            Assert.Equal(new LoadSimulation.Inject(100, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)), scenarios[0].Simulations.Single());
            Assert.Equal(7, scenarios[1].MaxInFlight);
            Assert.Equal(100, ((LoadSimulation.Inject)scenarios[1].Simulations[1]).PerSecond, 1e-9);
            Assert.Equal(20, settings.OptionalDouble("p99-ms"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task RunAsync_SloMissed_ExitCode1AndSloMet_ExitCode0()
    {
        var dir = Directory.CreateTempSubdirectory("lt-cli-").FullName;
        try
        {
            string[] common = ["run", "--scenario", "noop", "--rate", "200", "--warmup", "0s", "--duration", "1s", "--no-progress", "--report-dir", dir];
            var output = new StringWriter();
            var missed = await CommandLine.RunAsync([.. common, "--min-rps", "1000000"], output, new StringWriter()).WaitAsync(TimeSpan.FromSeconds(60));
            var met = await CommandLine.RunAsync([.. common, "--min-rps", "100", "--max-error-rate", "0", "--p99-ms", "1000"], new StringWriter(), new StringWriter()).WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(1, missed);
            Assert.Equal(0, met);
            Assert.Contains("SLO FAIL: noop: ok/s >= 1000000", output.ToString(), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(dir, "report.html")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_UnknownScenario_ExitCode2()
    {
        var err = new StringWriter();
        Assert.Equal(2, await CommandLine.RunAsync(["run", "--scenario", "nope"], new StringWriter(), err).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("unknown scenario 'nope'", err.ToString(), StringComparison.Ordinal);
    }
}
