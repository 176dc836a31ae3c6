using Biometrics.Protos.V1;

namespace Biometrics.Edge.Gate;

/// <summary>
/// One verdict as the lane reports it (one JSON line on standard output, see <see cref="VerdictJson"/>): the matcher's
/// <see cref="Verdict"/> (or one made by the edge), whether it ends the traveller's session, and the edge's own timings.
/// Immutable.
/// </summary>
public sealed record GateVerdict
{
    /// <summary>The gate id.</summary>
    public required string GateId { get; init; }

    /// <summary>The lane id.</summary>
    public required string LaneId { get; init; }

    /// <summary>The lane's id for this traveller's session.</summary>
    public required string SessionId { get; init; }

    /// <summary>Sequence number of the traveller at this lane (1, 2, ...).</summary>
    public required int Traveller { get; init; }

    /// <summary>The verdict fields (decision, score, threshold, reason, transaction id, watchlist hits, matcher timings).</summary>
    public required Verdict Verdict { get; init; }

    /// <summary>True when this verdict ends the traveller's session (ACCEPT, REJECT, REFER); false for a RETRY hint.</summary>
    public required bool Final { get; init; }

    /// <summary>Who decided.</summary>
    public required VerdictSource Source { get; init; }

    /// <summary>How the traveller claimed an identity: <c>qr</c>, <c>subject</c>, <c>chip_photo</c> or <c>none</c>.</summary>
    public required string ClaimKind { get; init; }

    /// <summary>Milliseconds from the first usable face to this verdict (the lane budget's clock); null when no usable face was seen.</summary>
    public double? FaceToVerdictMs { get; init; }

    /// <summary>Milliseconds from the start of the traveller's episode (first face or QR code) to this verdict.</summary>
    public double EpisodeMs { get; init; }

    /// <summary>Probes sent to the matcher for this traveller so far.</summary>
    public int ProbesSent { get; init; }

    /// <summary>Index of the frame being processed when the verdict arrived.</summary>
    public long Frame { get; init; }

    /// <summary>Wall-clock time of the verdict, Unix epoch milliseconds.</summary>
    public long AtUnixMs { get; init; }
}
