using System.Text;
using System.Text.Json;

namespace Biometrics.Edge.Gate;

/// <summary>
/// Figures of one agent run: frames processed and the processing rate (frames per second of processing time, and of
/// wall time), frames dropped by real-time pacing, frames skipped because they could not be read, verdicts by decision,
/// and the time from the first usable face to the final verdict (p50, p99). Thread-safe.
/// </summary>
public sealed class GateRunStatistics
{
    private readonly Lock _lock = new();
    private readonly List<double> _faceToVerdict = [];
    private readonly Dictionary<string, int> _decisions = new(StringComparer.Ordinal);
    private TimeSpan _processing;
    private long _skipped;

    /// <summary>Frames processed.</summary>
    public long Frames { get; private set; }

    /// <summary>Frames the source skipped because processing fell behind real time.</summary>
    public long DroppedFrames { get; set; }

    /// <summary>Frames skipped because they could not be read (an undecodable file in a folder source).</summary>
    public long SkippedFrames => Interlocked.Read(ref _skipped);

    /// <summary>Wall-clock duration of the run (including waits for the source's pace and the last verdict).</summary>
    public TimeSpan WallTime { get; set; }

    /// <summary>Time spent processing frames (detect, track, analyse, QR, embed).</summary>
    public TimeSpan ProcessingTime
    {
        get
        {
            lock (_lock)
            {
                return _processing;
            }
        }
    }

    /// <summary>Frames per second of processing time: the rate the agent could sustain on this CPU.</summary>
    public double ProcessingFps => ProcessingTime > TimeSpan.Zero ? Frames / ProcessingTime.TotalSeconds : 0;

    /// <summary>Final verdicts' face-to-verdict times in milliseconds, in arrival order.</summary>
    public IReadOnlyList<double> FaceToVerdictMs
    {
        get
        {
            lock (_lock)
            {
                return [.. _faceToVerdict];
            }
        }
    }

    /// <summary>Verdicts (final and RETRY) by decision name.</summary>
    public IReadOnlyDictionary<string, int> Decisions
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, int>(_decisions, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The <paramref name="p"/>-th percentile (0..100, nearest rank) of <paramref name="values"/>; NaN when empty.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Counts a processed frame.</summary>
    public void AddFrame(TimeSpan processing)
    {
        lock (_lock)
        {
            Frames++;
            _processing += processing;
        }
    }

    /// <summary>Counts a frame that could not be read.</summary>
    public void AddSkippedFrame() => Interlocked.Increment(ref _skipped);

    /// <summary>Counts a verdict.</summary>
    public void AddVerdict(GateVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        lock (_lock)
        {
            var name = VerdictJson.DecisionName(verdict.Verdict.Decision);
            _decisions[name] = _decisions.GetValueOrDefault(name) + 1;
            if (verdict.Final && verdict.FaceToVerdictMs is { } ms)
            {
                _faceToVerdict.Add(ms);
            }
        }
    }

    /// <summary>The figures as one JSON object.</summary>
    public string ToJson()
    {
        var f2v = FaceToVerdictMs;
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("frames", Frames);
            w.WriteNumber("dropped_frames", DroppedFrames);
            w.WriteNumber("skipped_frames", SkippedFrames);
            w.WriteNumber("processing_s", Math.Round(ProcessingTime.TotalSeconds, 3));
            w.WriteNumber("wall_s", Math.Round(WallTime.TotalSeconds, 3));
            w.WriteNumber("processing_fps", Math.Round(ProcessingFps, 2));
            w.WriteStartObject("decisions");
            foreach (var (k, v) in Decisions.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WriteNumber(k, v);
            }

            w.WriteEndObject();
            w.WriteNumber("final_verdicts_with_face", f2v.Count);
            WriteMs(w, "face_to_verdict_p50_ms", Percentile(f2v, 50));
            WriteMs(w, "face_to_verdict_p99_ms", Percentile(f2v, 99));
            WriteMs(w, "face_to_verdict_max_ms", f2v.Count == 0 ? double.NaN : f2v.Max());
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteMs(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, Math.Round(value, 1));
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
