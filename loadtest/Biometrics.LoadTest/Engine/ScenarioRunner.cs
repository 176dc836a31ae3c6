using System.Diagnostics;

namespace Biometrics.LoadTest.Engine;

/// <summary>
/// Runs one scenario. Open model: a dedicated scheduler thread walks the <see cref="ArrivalSchedule"/>, sleeps
/// (never spins) until the next arrival is due, then starts every due step itself, in batches of up to
/// <see cref="BatchSize"/> whose deferred work (the requests' socket writes) it runs after each batch
/// (<see cref="StepBatch"/>), so no other thread is woken to send them. A step is started at its due time whether
/// or not earlier steps have answered, and its latency is measured from the due time, so a slow target shows as
/// growing latency rather than as a lower sending rate (no coordinated omission). Steps due while
/// <see cref="Scenario.MaxInFlight"/> are outstanding are dropped and counted. Closed model: a fixed number
/// of asynchronous callers loop back-to-back. Not reusable: one instance per run.
/// </summary>
public sealed partial class ScenarioRunner
{
    /// <summary>Most steps started before the work they deferred (their requests' writes) is run.</summary>
    public const int BatchSize = 16;

    /// <summary>Shortest sleep of the scheduler thread, bounding its wake-ups to 1,000 per second.</summary>
    public static readonly long MinimumSleepNanoseconds = 1_000_000;

    private static readonly double s_ticksPerNs = Stopwatch.Frequency / 1e9;

    private readonly Scenario _scenario;
    private readonly long _start;
    private long _inFlight;
    private long _sequence;
    private bool _drained;
    private CancellationToken _stopping;

    /// <summary>Prepares <paramref name="scenario"/> to start at <paramref name="startTimestamp"/> (Stopwatch ticks).</summary>
    public ScenarioRunner(Scenario scenario, long startTimestamp)
    {
        scenario.Validate();
        _scenario = scenario;
        _start = startTimestamp;
        Statistics = new ScenarioStatistics(
            startTimestamp + TicksOf(scenario.WarmUp),
            scenario.TotalDuration - scenario.WarmUp,
            scenario.DrainTimeout);
    }

    /// <summary>The scenario being run.</summary>
    public Scenario Scenario => _scenario;

    /// <summary>Live statistics (read them for progress; complete after <see cref="RunAsync"/>).</summary>
    public ScenarioStatistics Statistics { get; }

    /// <summary>Steps started and not yet finished.</summary>
    public long InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Runs the whole timeline, then waits up to the drain timeout for steps in flight.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _stopping = stop.Token;
        if (_scenario.IsClosedModel)
        {
            await RunClosedAsync(stop.Token).ConfigureAwait(false);
        }
        else
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                try
                {
                    ScheduleLoop(stop.Token);
                    done.TrySetResult();
                }
                catch (Exception e)
                {
                    done.TrySetException(e);
                }
            })
            {
                IsBackground = true,
                Name = $"load-scheduler:{_scenario.Name}",
                Priority = ThreadPriority.AboveNormal,
            };
            thread.Start();
            await done.Task.ConfigureAwait(false);
        }

        var drainUntil = Stopwatch.GetTimestamp() + TicksOf(_scenario.DrainTimeout);
        while (InFlight > 0 && Stopwatch.GetTimestamp() < drainUntil && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(5, CancellationToken.None).ConfigureAwait(false);
        }

        // From here on, late answers are ignored; whatever is still out is counted once, as unfinished.
        Volatile.Write(ref _drained, true);
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        Statistics.OnUnfinished(InFlight);
    }

    private static long TicksOf(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private void ScheduleLoop(CancellationToken token)
    {
        var schedule = new ArrivalSchedule(_scenario.Simulations, _scenario.Arrival, _scenario.Seed);
        var max = _scenario.MaxInFlight;
        while (!token.IsCancellationRequested && schedule.TryPeek(out var offset))
        {
            var now = Stopwatch.GetTimestamp();
            var due = _start + (long)(offset * s_ticksPerNs);
            if (due > now)
            {
                PreciseSleep.For(Math.Max(MinimumSleepNanoseconds, (long)((due - now) / s_ticksPerNs)));
                continue;
            }

            var n = 0;
            var started = 0;
            StepBatch.Begin();
            try
            {
                do
                {
                    schedule.Advance();
                    var sequence = _sequence++;
                    var inFlight = Interlocked.Increment(ref _inFlight);
                    if (inFlight > max)
                    {
                        Interlocked.Decrement(ref _inFlight);
                        Statistics.OnDropped(due);
                    }
                    else
                    {
                        Statistics.OnInFlight(due, inFlight);
                        Start(sequence, due);
                        if (++started % BatchSize == 0)
                        {
                            StepBatch.End();
                            StepBatch.Begin();
                        }
                    }

                    if ((++n & 255) == 0)
                    {
                        now = Stopwatch.GetTimestamp();
                    }
                }
                while (schedule.TryPeek(out offset) && (due = _start + (long)(offset * s_ticksPerNs)) <= now);
            }
            finally
            {
                StepBatch.End();
            }
        }
    }

    private void Start(long sequence, long due)
    {
        Statistics.OnSent(due);
        var context = new StepContext(sequence, due, Statistics.IsWarmUp(due));
        var started = Stopwatch.GetTimestamp();
        ValueTask<StepResult> pending;
        try
        {
            pending = _scenario.Target.ExecuteAsync(context, _stopping);
        }
        catch (Exception e)
        {
            Finish(due, started, Failed(e));
            return;
        }

        if (pending.IsCompletedSuccessfully)
        {
            Finish(due, started, pending.Result);
        }
        else
        {
            _ = AwaitAsync(pending, due, started);
        }
    }

    private async Task AwaitAsync(ValueTask<StepResult> pending, long due, long started)
    {
        StepResult result;
        try
        {
            result = await pending.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            result = Failed(e);
        }

        Finish(due, started, result);
    }

    private void Finish(long due, long started, in StepResult result)
    {
        // A step that finishes after the drain gave up is counted as unfinished instead.
        if (Volatile.Read(ref _drained))
        {
            return;
        }

        Statistics.OnCompleted(due, started, Stopwatch.GetTimestamp(), result);
        Interlocked.Decrement(ref _inFlight);
    }

    private static StepResult Failed(Exception e) => e switch
    {
        OperationCanceledException => StepResult.Fail("CANCELLED"),
        TimeoutException => StepResult.Fail("DEADLINE_EXCEEDED"),
        _ => StepResult.Fail("EXCEPTION"),
    };

    private async Task RunClosedAsync(CancellationToken token)
    {
        var offset = 0L;
        foreach (var phase in _scenario.Simulations.Cast<LoadSimulation.KeepConstant>())
        {
            var phaseStart = _start + offset;
            var phaseEnd = phaseStart + TicksOf(phase.During);
            var now = Stopwatch.GetTimestamp();
            if (phaseStart > now)
            {
                await Task.Delay(TimeSpan.FromSeconds((phaseStart - now) / (double)Stopwatch.Frequency), token).ConfigureAwait(false);
            }

            var callers = new Task[phase.Copies];
            for (var i = 0; i < callers.Length; i++)
            {
                callers[i] = Task.Run(() => CallerLoopAsync(phaseEnd, token), CancellationToken.None);
            }

            await Task.WhenAll(callers).ConfigureAwait(false);
            offset += TicksOf(phase.During);
        }
    }

    private async Task CallerLoopAsync(long end, CancellationToken token)
    {
        long started;
        while (!token.IsCancellationRequested && (started = Stopwatch.GetTimestamp()) < end)
        {
            var sequence = Interlocked.Increment(ref _sequence) - 1;
            Statistics.OnInFlight(started, Interlocked.Increment(ref _inFlight));
            Statistics.OnSent(started);
            StepResult result;
            try
            {
                result = await _scenario.Target.ExecuteAsync(new StepContext(sequence, started, Statistics.IsWarmUp(started)), token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                result = Failed(e);
            }

            Finish(started, started, result);
        }
    }
}
