using System.Text;
using System.Text.Json;
using Biometrics.Contract;
using Biometrics.Protos.V1;
using Decision = Biometrics.Protos.V1.Decision;

namespace Biometrics.Edge.Gate;

/// <summary>
/// The one-line JSON form of a <see cref="GateVerdict"/> (snake_case keys): <c>type</c> ("verdict"), <c>gate_id</c>,
/// <c>lane_id</c>, <c>session_id</c>, <c>traveller</c>, <c>decision</c> (ACCEPT, REJECT, RETRY, REFER), <c>final</c>,
/// <c>score</c> (fused cosine similarity, [-1, 1]), <c>threshold</c>, <c>reason</c>, <c>reason_text</c>,
/// <c>transaction_id</c>, <c>model_id</c>, <c>source</c> (matcher or edge), <c>claim</c>, <c>probes_sent</c>,
/// <c>probes_used</c>, <c>watchlist_hits</c>, <c>timings</c> (<c>face_to_verdict_ms</c>, <c>episode_ms</c> and the
/// matcher's stage timings), <c>frame</c>, <c>at_ms</c>. Thread-safe.
/// </summary>
public static class VerdictJson
{
    /// <summary>Formats one verdict as a single line of JSON (no trailing newline).</summary>
    public static string Format(GateVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var v = verdict.Verdict;
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "verdict");
            w.WriteString("gate_id", verdict.GateId);
            w.WriteString("lane_id", verdict.LaneId);
            w.WriteString("session_id", verdict.SessionId);
            w.WriteNumber("traveller", verdict.Traveller);
            w.WriteString("decision", DecisionName(v.Decision));
            w.WriteBoolean("final", verdict.Final);
            Number(w, "score", v.Score, 4);
            Number(w, "threshold", v.Threshold, 4);
            w.WriteString("reason", v.Reason);
            w.WriteString("reason_text", v.ReasonText);
            w.WriteString("transaction_id", v.TransactionId);
            w.WriteString("model_id", v.ModelId);
            w.WriteString("source", verdict.Source == VerdictSource.Matcher ? "matcher" : "edge");
            w.WriteString("claim", verdict.ClaimKind);
            w.WriteNumber("probes_sent", verdict.ProbesSent);
            w.WriteNumber("probes_used", v.ProbesUsed);
            w.WriteStartArray("watchlist_hits");
            foreach (var hit in v.WatchlistHits)
            {
                w.WriteStartObject();
                w.WriteString("subject_key", hit.SubjectKey);
                Number(w, "score", hit.Score, 4);
                Number(w, "threshold", hit.Threshold, 4);
                w.WriteString("gallery", hit.Gallery);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("timings");
            if (verdict.FaceToVerdictMs is { } f)
            {
                Number(w, "face_to_verdict_ms", f, 1);
            }
            else
            {
                w.WriteNull("face_to_verdict_ms");
            }

            Number(w, "episode_ms", verdict.EpisodeMs, 1);
            if (v.Timings is { } t)
            {
                Number(w, "matcher_claim_ms", t.ClaimMs, 2);
                Number(w, "matcher_compare_ms", t.CompareMs, 2);
                Number(w, "matcher_watchlist_ms", t.WatchlistMs, 2);
                Number(w, "matcher_policy_ms", t.PolicyMs, 2);
                Number(w, "matcher_total_ms", t.TotalMs, 2);
            }

            w.WriteEndObject();
            w.WriteNumber("frame", verdict.Frame);
            w.WriteNumber("at_ms", verdict.AtUnixMs);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The name of a wire decision (ACCEPT, REJECT, RETRY, REFER; UNSPECIFIED otherwise).</summary>
    public static string DecisionName(Decision decision) => DecisionNames.Of((Biometrics.Contract.Decision)decision);

    private static void Number(Utf8JsonWriter w, string name, double value, int decimals)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, Math.Round(value, decimals));
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
