using Biometrics.LoadTest.Engine;
using Biometrics.LoadTest.Reports;

namespace Biometrics.LoadTest.Tests;

/// <summary>Runs one short two-scenario load once and writes its reports, shared by the report tests.</summary>
public sealed class ReportFixture : IAsyncLifetime
{
    public RunReport Report { get; private set; } = null!;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("lt-report-").FullName;

    public IReadOnlyList<string> Files { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var fast = new Scenario("verify-like", new FunctionTarget("synthetic verdicts", async (ctx, ct) =>
        {
            // A little latency that varies, a few errors and three verdicts.
            if (ctx.Sequence % 7 == 0)
            {
                await Task.Delay(1 + (int)(ctx.Sequence % 5), ct).ConfigureAwait(false);
            }

            // Two request messages per step, as a gate session streams probes; the "server" reports 0.3 ms. A session in 50
            // is lost with its matcher, another re-opened on a second one in time.
            return (ctx.Sequence % 50) switch
            {
                0 => StepResult.Fail("UNAVAILABLE") with { Messages = 2, Recovery = SessionRecovery.Lost },
                1 => new StepResult(true, "OK", "ACCEPT", 2, 300_000, SessionRecovery.ReopenedInTime),
                < 40 => new StepResult(true, "OK", "ACCEPT", 2, 300_000),
                < 48 => new StepResult(true, "OK", "REJECT", 2, 300_000),
                _ => new StepResult(true, "OK", "REFER", 2, 300_000),
            };
        }), [new LoadSimulation.RampingInject(400, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), new LoadSimulation.Inject(400, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4))])
        {
            WarmUp = TimeSpan.FromSeconds(1),
            Settings = new Dictionary<string, string> { ["rate"] = "400/s" },
        };
        var slow = new Scenario("queue", new SingleServerQueueTarget(TimeSpan.FromMilliseconds(4)),
            [new LoadSimulation.Inject(200, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4))])
        {
            Arrival = ArrivalProcess.Poisson,
            WarmUp = TimeSpan.FromSeconds(1),
        };
        Report = await new LoadRunner(fast, slow) { CommandLine = "test fixture" }.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        Report.SloChecks = new SloTargets { P99Ms = 1000, MaxErrorRate = 0.001 }.Evaluate(Report);
        Files = ReportWriter.WriteAll(Report, Directory);
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }
}
