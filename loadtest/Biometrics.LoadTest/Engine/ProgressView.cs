using System.Diagnostics;
using System.Globalization;

namespace Biometrics.LoadTest.Engine;

/// <summary>
/// The live progress line: once a second, elapsed time, steps sent, ok, errors, dropped, steps in flight, the
/// rate of finished steps over the last second and p99 latency so far, summed over all scenarios. On a terminal the
/// line is rewritten in place; when the stream is redirected, one line per second is appended.
/// </summary>
public sealed class ProgressView
{
    private readonly TextWriter _writer;
    private readonly bool _inPlace;

    /// <summary>Writes to <paramref name="writer"/>; <paramref name="inPlace"/> rewrites one line with carriage returns.</summary>
    public ProgressView(TextWriter writer, bool inPlace)
    {
        _writer = writer;
        _inPlace = inPlace;
    }

    /// <summary>A view on stderr that rewrites in place unless stderr is redirected.</summary>
    public static ProgressView StandardError() => new(Console.Error, !Console.IsErrorRedirected);

    /// <summary>Formats one progress line (exposed for tests).</summary>
    public static string Format(TimeSpan elapsed, long sent, long ok, long errors, long dropped, long inFlight, double rate, double p99Ms, bool warmingUp)
        => string.Create(CultureInfo.InvariantCulture,
            $"[{(int)elapsed.TotalMinutes:00}:{elapsed.Seconds:00}]{(warmingUp ? " warm-up" : string.Empty)} sent {sent:N0}  ok {ok:N0}  errors {errors:N0}  dropped {dropped:N0}  in flight {inFlight:N0}  rate {rate:N0}/s  p99 {p99Ms:0.###} ms");

    internal async Task RunAsync(IReadOnlyList<ScenarioRunner> runners, long start, CancellationToken token)
    {
        long lastCompleted = 0;
        var lastTime = start;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                var now = Stopwatch.GetTimestamp();
                long sent = 0, ok = 0, errors = 0, dropped = 0, completed = 0, warm = 0, inFlight = 0;
                double p99 = 0;
                foreach (var r in runners)
                {
                    var s = r.Statistics;
                    sent += s.Sent;
                    ok += s.Ok;
                    errors += s.Errors;
                    dropped += s.Dropped;
                    completed += s.CompletedTotal;
                    inFlight += r.InFlight;
                    warm += s.IsWarmUp(now) ? 1 : 0;
                    p99 = Math.Max(p99, s.Latency.ValueAtPercentile(99) / 1e6);
                }

                var rate = (completed - lastCompleted) / Math.Max(1e-9, (now - lastTime) / (double)Stopwatch.Frequency);
                lastCompleted = completed;
                lastTime = now;
                var line = Format(Stopwatch.GetElapsedTime(start, now), sent, ok, errors, dropped, inFlight, rate, p99, warm == runners.Count);
                await _writer.WriteAsync(_inPlace ? "\r" + line + "\u001b[K" : line + Environment.NewLine).ConfigureAwait(false);
                await _writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }

        if (_inPlace)
        {
            await _writer.WriteLineAsync().ConfigureAwait(false);
        }
    }
}
