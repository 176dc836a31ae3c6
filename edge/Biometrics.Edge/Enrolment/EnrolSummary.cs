using System.Text;
using System.Text.Json;

namespace Biometrics.Edge.Enrolment;

/// <summary>Counts of an enrolment run by outcome, and its duration. Thread-safe.</summary>
public sealed class EnrolSummary
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Subjects enrolled (including replays of earlier identical requests).</summary>
    public int Enrolled => Count(EnrolmentOutcome.Enrolled);

    /// <summary>Subjects whose images all failed the quality gate.</summary>
    public int RejectedQuality => Count(EnrolmentOutcome.RejectedQuality);

    /// <summary>Subjects without a face in any image.</summary>
    public int NoFace => Count(EnrolmentOutcome.NoFace);

    /// <summary>Requests the matcher refused as invalid.</summary>
    public int Invalid => Count(EnrolmentOutcome.Invalid);

    /// <summary>Subjects that could not be enrolled for another reason (unreadable file, matcher unreachable).</summary>
    public int Failed => Count(EnrolmentOutcome.Failed);

    /// <summary>Answers (of any status) that were replays of an earlier request with the same id.</summary>
    public int Replayed { get; private set; }

    /// <summary>Enrolled subjects whose answer was a replay: enrolled by an earlier run, nothing changed now.</summary>
    public int EnrolledReplayed { get; private set; }

    /// <summary>Subjects enrolled by this run (not replays).</summary>
    public int EnrolledNew => Enrolled - EnrolledReplayed;

    /// <summary>All subjects counted.</summary>
    public int Total
    {
        get
        {
            lock (_lock)
            {
                return _counts.Values.Sum();
            }
        }
    }

    /// <summary>Duration of the run.</summary>
    public TimeSpan Elapsed { get; set; }

    /// <summary>Counts one outcome.</summary>
    public void Add(EnrolmentOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        lock (_lock)
        {
            _counts[outcome.Status] = _counts.GetValueOrDefault(outcome.Status) + 1;
            if (outcome.Replayed)
            {
                Replayed++;
                if (outcome.Status == EnrolmentOutcome.Enrolled)
                {
                    EnrolledReplayed++;
                }
            }
        }
    }

    /// <summary>One line for a person; the counts add up to <see cref="Total"/> ("replayed": enrolled by an earlier run).</summary>
    public string Describe() =>
        $"enrolled {EnrolledNew} new, {EnrolledReplayed} replayed, rejected for quality {RejectedQuality}, no face {NoFace}, invalid {Invalid}, failed {Failed}";

    /// <summary>The summary as one JSON line (<c>type</c> "summary").</summary>
    public string ToJson()
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "summary");
            w.WriteNumber("subjects", Total);
            w.WriteNumber("enrolled", Enrolled);
            w.WriteNumber("enrolled_new", EnrolledNew);
            w.WriteNumber("replayed", Replayed);
            w.WriteNumber("rejected_quality", RejectedQuality);
            w.WriteNumber("no_face", NoFace);
            w.WriteNumber("invalid", Invalid);
            w.WriteNumber("failed", Failed);
            w.WriteNumber("elapsed_s", Math.Round(Elapsed.TotalSeconds, 3));
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private int Count(string status)
    {
        lock (_lock)
        {
            return _counts.GetValueOrDefault(status);
        }
    }
}
