using System.Diagnostics;
using Biometrics.LoadTest.Engine;
using Biometrics.LoadTest.Reports;

namespace Biometrics.LoadTest.Tests;

public sealed class ScenarioRunnerTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    private static Task<RunReport> RunAsync(params Scenario[] scenarios)
        => new LoadRunner(scenarios).RunAsync(CancellationToken.None).WaitAsync(s_timeout);

    /// <summary>
    /// One short run first, so that a test run alone in a fresh process does not measure Tier-0 code and a cold
    /// thread pool (the queue test then saw about 12 ms per 10 ms request).
    /// </summary>
    private static Task WarmUpEngineAsync()
        => RunAsync(new Scenario("warm-up", new SingleServerQueueTarget(TimeSpan.FromMilliseconds(1)),
            [new LoadSimulation.Inject(2000, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1))]));

    [Fact]
    public async Task RunAsync_FastTargetAt5000PerSecondFor10s_KeepsTheRate()
    {
        const int rate = 5000;
        var starts = new long[80_000];
        var calls = -1;
        var target = new FunctionTarget("recording no-op", (ctx, _) =>
        {
            if (!ctx.IsWarmUp)
            {
                starts[Interlocked.Increment(ref calls)] = Stopwatch.GetTimestamp();
            }

            return new ValueTask<StepResult>(StepResult.Ok());
        });
        var scenario = new Scenario("rate", target, [new LoadSimulation.Inject(rate, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(11))])
        {
            WarmUp = TimeSpan.FromSeconds(1),
        };

        var report = (await RunAsync(scenario)).Scenarios[0];

        var n = calls + 1;
        Assert.Equal(50_000, n);
        Array.Sort(starts, 0, n);
        var span = (starts[n - 1] - starts[0]) / (double)Stopwatch.Frequency;
        var achieved = (n - 1) / span;
        // The starts' own span: a stall of the busy 2-core machine at either end shortens it, and the scheduler then
        // catches up (5,116/s seen once in CI's kind of run); the offered and answered rates below stay within 2 %.
        Assert.InRange(achieved, rate * 0.95, rate * 1.05);
        Assert.InRange(report.OfferedRps, rate * 0.98, rate * 1.02);
        Assert.InRange(report.ThroughputRps, rate * 0.98, rate * 1.02);
        Assert.Equal(0, report.Dropped);
        Assert.Equal(50_000, report.Ok);
        Assert.Equal(5000, report.WarmUpSteps);
    }

    [Fact]
    public async Task RunAsync_SingleServerSlowerThanArrivals_LatencyGrowsLinearlyWithQueueingDelay()
    {
        // Arrivals every 5 ms, service 10 ms: request k waits for k earlier ones, latency = 10 + 5 k ms.
        await WarmUpEngineAsync();
        var scenario = new Scenario("queue", new SingleServerQueueTarget(TimeSpan.FromMilliseconds(10)),
            [new LoadSimulation.Inject(200, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2))])
        {
            DrainTimeout = TimeSpan.FromSeconds(10),
        };

        var report = (await RunAsync(scenario)).Scenarios[0];

        Assert.Equal(400, report.Sent);
        Assert.Equal(400, report.Ok);
        Assert.Equal(0, report.Dropped);
        // The queue stays busy from the first request on, so a machine that stalls the run's start (CI's busy 2 cores
        // once started it 630 ms late) adds the same delay to every latency. The growth is what the test is about, so
        // the absolute figures get only a floor and a loose ceiling, and the differences carry the tight ranges.
        var max = report.Latency.MaxMs;                              // ideal 2,005 ms
        var p50 = report.Latency.P50Ms;                              // ideal 1,010 ms
        var first = report.TimeSeries[0].P50Ms;                      // ideal 510 ms
        var second = report.TimeSeries[1].P50Ms;                     // ideal 1,510 ms
        Assert.InRange(first, 400, 2_500);
        Assert.InRange(p50, 900, 3_000);
        Assert.InRange(max, 1_900, 4_000);
        Assert.InRange(second - first, 750, 1_250);                  // +1 s of latency per second of load
        Assert.InRange(max - p50, 750, 1_250);                       // ideal 995 ms: the last request waited for 199 more
        // Ideal 400 sent - 200 served = 200 waiting; a late start serves one fewer per 10 ms of it, and a stall of the
        // completions near the end holds up to 50 more for half a second (272 seen on CI).
        var late = Math.Max(0, p50 - 1_010);
        Assert.InRange(report.PeakInFlight, 150, 300 + (late / 10));
        Assert.True(report.TimeSeries[1].InFlightMax > report.TimeSeries[0].InFlightMax, "the queue grows second by second");
    }

    [Fact]
    public async Task RunAsync_ClosedModelOnTheSameQueue_HidesTheQueueingDelay()
    {
        // The contrast: one back-to-back caller never lets the queue form, so latency stays at the service time.
        var scenario = new Scenario("closed", new SingleServerQueueTarget(TimeSpan.FromMilliseconds(10)),
            [new LoadSimulation.KeepConstant(1, TimeSpan.FromSeconds(2))])
        {
            WarmUp = TimeSpan.FromSeconds(1),
        };

        var report = (await RunAsync(scenario)).Scenarios[0];

        Assert.Equal("closed", report.Model);
        Assert.True(report.Ok is >= 10 and <= 100, $"ok {report.Ok} sent {report.Sent} errors {report.Errors} {string.Join(",", report.Statuses)} p50 {report.Latency.P50Ms} max {report.Latency.MaxMs}");
        Assert.True(report.Latency.P50Ms < 50, $"p50 {report.Latency.P50Ms} ms");
        Assert.Equal(1, report.PeakInFlight);
    }

    [Fact]
    public async Task RunAsync_MoreDueThanMaxInFlight_CountsDroppedAndUnfinished()
    {
        var target = new FunctionTarget("never answers", async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            return StepResult.Ok();
        });
        var scenario = new Scenario("drops", target, [new LoadSimulation.Inject(100, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1))])
        {
            MaxInFlight = 5,
            DrainTimeout = TimeSpan.FromMilliseconds(200),
        };

        var report = (await RunAsync(scenario)).Scenarios[0];

        Assert.Equal(5, report.Sent);
        Assert.Equal(95, report.Dropped);
        Assert.Equal(100, report.Scheduled);
        Assert.Equal(5, report.Unfinished);
        Assert.Equal(95, report.Statuses["DROPPED"]);
        Assert.Equal(5, report.Statuses["UNFINISHED"]);
        Assert.Equal(0.95, report.DropRate, 1e-9);
    }

    [Fact]
    public async Task RunAsync_StatusesVerdictsAndExceptions_AreCountedAndWarmUpExcluded()
    {
        var target = new FunctionTarget("mixed outcomes", (ctx, _) => (ctx.Sequence % 4) switch
        {
            0 => new ValueTask<StepResult>(StepResult.Ok("ACCEPT")),
            1 => new ValueTask<StepResult>(StepResult.Ok("REFER")),
            2 => new ValueTask<StepResult>(StepResult.Fail("UNAVAILABLE")),
            _ => throw new InvalidOperationException("boom"),
        });
        var scenario = new Scenario("outcomes", target, [new LoadSimulation.Inject(200, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2))])
        {
            WarmUp = TimeSpan.FromSeconds(1),
        };

        var report = (await RunAsync(scenario)).Scenarios[0];

        Assert.Equal(200, report.WarmUpSteps);
        Assert.Equal(200, report.Sent);
        Assert.Equal(100, report.Ok);
        Assert.Equal(100, report.Errors);
        Assert.Equal(50, report.Verdicts["ACCEPT"]);
        Assert.Equal(50, report.Verdicts["REFER"]);
        Assert.Equal(50, report.Statuses["UNAVAILABLE"]);
        Assert.Equal(50, report.Statuses["EXCEPTION"]);
        Assert.Equal(100, report.Statuses["OK"]);
        Assert.Equal(0.5, report.ErrorRate, 1e-9);
    }

    [Fact]
    public async Task RunAsync_StepsDueTogether_StartOnTheSchedulerThreadAndTheirDeferredWorkRunsAfterEachBatch()
    {
        // 50 steps due per millisecond: the scheduler starts them itself, 16 at a time, and runs what they deferred
        // (a connection's write) after each 16, on its own thread.
        var events = new System.Collections.Concurrent.ConcurrentQueue<char>();
        var deferredOutsideABatch = 0;
        var otherThreads = 0;
        var target = new FunctionTarget("deferring no-op", (_, _) =>
        {
            if (Thread.CurrentThread.Name?.StartsWith("load-scheduler:", StringComparison.Ordinal) != true)
            {
                Interlocked.Increment(ref otherThreads);
            }

            events.Enqueue('S');
            if (!StepBatch.TryDefer(new Deferred(events)))
            {
                Interlocked.Increment(ref deferredOutsideABatch);
            }

            return new ValueTask<StepResult>(StepResult.Ok());
        });
        var scenario = new Scenario("batches", target, [new LoadSimulation.Inject(50_000, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.2))]);

        var report = (await RunAsync(scenario)).Scenarios[0];

        Assert.Equal(10_000, report.Ok);
        Assert.Equal(0, otherThreads);
        Assert.Equal(0, deferredOutsideABatch);
        Assert.False(StepBatch.TryDefer(new Deferred(events)), "no batch is open on the test's thread");
        var sequence = new string([.. events]);
        Assert.Equal(10_000, sequence.Count(c => c == 'D'));
        Assert.StartsWith("S", sequence, StringComparison.Ordinal);
        var runs = sequence.Split('D', StringSplitOptions.RemoveEmptyEntries).Select(r => r.Length).ToArray();
        Assert.All(runs, r => Assert.InRange(r, 1, ScenarioRunner.BatchSize));
        Assert.Contains(ScenarioRunner.BatchSize, runs);
    }

    private sealed class Deferred(System.Collections.Concurrent.ConcurrentQueue<char> events) : IThreadPoolWorkItem
    {
        public void Execute() => events.Enqueue('D');
    }

    [Fact]
    public void Validate_MixedOpenAndClosedPhases_Throws()
    {
        var scenario = new Scenario("bad", new Targets.NoOpTarget(),
            [new LoadSimulation.Inject(1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), new LoadSimulation.KeepConstant(1, TimeSpan.FromSeconds(1))]);
        Assert.Throws<ArgumentException>(scenario.Validate);
    }
}
