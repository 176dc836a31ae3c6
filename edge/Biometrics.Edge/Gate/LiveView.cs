using System.Diagnostics;
using System.Globalization;
using Biometrics.Edge.Connection;
using Biometrics.Protos.V1;

namespace Biometrics.Edge.Gate;

/// <summary>
/// The lane's live view for a person at the console: time-stamped events (traveller arrives, QR code read, session
/// opened, connection up or down), a status line at most once a second (frame rate, faces, lane face and its quality,
/// matcher state), each verdict in large print, and a summary at the end. Writes to the error stream so that standard
/// output carries only the JSON verdict lines. Thread-safe.
/// </summary>
public sealed class LiveView
{
    private readonly Lock _lock = new();
    private readonly TextWriter _console;
    private readonly bool _enabled;
    private readonly string _laneId;
    private long _lastStatus;
    private long _framesAtLastStatus;

    /// <summary>Creates a view writing to <paramref name="console"/> (nothing is written when <paramref name="enabled"/> is false).</summary>
    public LiveView(TextWriter console, bool enabled, string laneId)
    {
        _console = console ?? throw new ArgumentNullException(nameof(console));
        _enabled = enabled;
        _laneId = laneId;
    }

    /// <summary>Prints an event line.</summary>
    public void Event(string text) => Write(text);

    /// <summary>Prints the status line when a second has passed since the last one.</summary>
    public void Status(long frame, GateRunStatistics stats, FrameResult result, ConnectionState state, GateVerdict? last)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(result);
        if (!_enabled)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        double fps;
        lock (_lock)
        {
            if (_lastStatus != 0 && Stopwatch.GetElapsedTime(_lastStatus, now) < TimeSpan.FromSeconds(1))
            {
                return;
            }

            var seconds = _lastStatus == 0 ? 0 : Stopwatch.GetElapsedTime(_lastStatus, now).TotalSeconds;
            fps = seconds > 0 ? (stats.Frames - _framesAtLastStatus) / seconds : 0;
            _lastStatus = now;
            _framesAtLastStatus = stats.Frames;
        }

        var c = CultureInfo.InvariantCulture;
        var face = result.Lane is null
            ? "no lane face"
            : result.Analysis is { } a
                ? string.Format(c, "lane face #{0} eyes {1:F0}px sharp {2:F0} live {3} {4}", result.Lane.Id, a.Quality.InterEyeDistance,
                    a.Quality.Sharpness, a.Liveness is { } l ? l.LiveScore.ToString("F2", c) : "-", result.Problem is { } p ? p.Reason : "OK")
                : $"lane face #{result.Lane.Id}";
        var verdict = last is null ? "-" : $"{VerdictJson.DecisionName(last.Verdict.Decision)} {last.Verdict.Reason}";
        Write(string.Format(c, "frame {0,5} | {1,5:F1} fps | faces {2} | {3} | matcher {4} | last {5}",
            frame, fps, result.Tracks.Count(t => t.IsVisible), face, state.ToString().ToUpperInvariant(), verdict));
    }

    /// <summary>Prints a verdict.</summary>
    public void Verdict(GateVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var v = verdict.Verdict;
        var c = CultureInfo.InvariantCulture;
        var banner = v.Decision switch
        {
            Decision.Accept => ">>> ACCEPT  - gate opens",
            Decision.Reject => ">>> REJECT  - not the claimed person",
            Decision.Retry => "... RETRY   - look at the camera",
            Decision.Refer => "!!! REFER   - please see an officer",
            _ => "??? " + v.Decision,
        };
        var timing = verdict.FaceToVerdictMs is { } ms ? string.Format(c, "{0:F0} ms after first usable face", ms) : "no usable face";
        var score = v.Threshold > 0 || v.Score != 0 ? string.Format(c, " score {0:F3} (threshold {1:F3})", v.Score, v.Threshold) : string.Empty;
        var hits = v.WatchlistHits.Count > 0 ? $" watchlist hits {v.WatchlistHits.Count}" : string.Empty;
        Write($"{banner} | traveller {verdict.Traveller}{score} | {v.Reason}: {v.ReasonText}{hits} | {timing} | {(verdict.Source == VerdictSource.Edge ? "edge" : "matcher")} {v.TransactionId}");
    }

    /// <summary>Prints the run summary.</summary>
    public void Summary(GateRunStatistics stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var c = CultureInfo.InvariantCulture;
        var f2v = stats.FaceToVerdictMs;
        var decisions = string.Join(", ", stats.Decisions.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}"));
        // No final verdict with a usable face: no face-to-verdict figures (not "NaN ms").
        var timing = f2v.Count == 0
            ? "face to verdict -"
            : string.Format(c, "face to verdict p50 {0:F0} ms, p99 {1:F0} ms", GateRunStatistics.Percentile(f2v, 50), GateRunStatistics.Percentile(f2v, 99));
        Write(string.Format(c, "done: {0} frames ({1} dropped, {2} skipped unreadable) in {3:F1} s, processing {4:F1} fps; verdicts: {5}; {6}",
            stats.Frames, stats.DroppedFrames, stats.SkippedFrames, stats.WallTime.TotalSeconds, stats.ProcessingFps,
            decisions.Length == 0 ? "none" : decisions, timing));
    }

    private void Write(string text)
    {
        if (!_enabled)
        {
            return;
        }

        var line = $"[{DateTime.Now:HH:mm:ss.fff} {_laneId}] {text}";
        lock (_lock)
        {
            _console.WriteLine(line);
            _console.Flush();
        }
    }
}
