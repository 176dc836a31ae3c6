using Biometrics.Edge.Tracking;
using Biometrics.Protos.V1;
using Biometrics.Vision.Face;

namespace Biometrics.Edge.Gate;

/// <summary>
/// One traveller at the lane, from the first face or QR code to the final verdict and until they leave. Owned by the
/// <see cref="GateAgent"/>; fields are guarded by the agent's lock.
/// </summary>
internal sealed class LaneEpisode
{
    public LaneEpisode(int number, string sessionId, long startTimestamp, int maxProbes)
    {
        Number = number;
        SessionId = sessionId;
        StartTimestamp = startTimestamp;
        WindowStart = startTimestamp;
        Shots = new BestShotSelector { MaxShots = maxProbes };
    }

    public int Number { get; }

    public string SessionId { get; }

    public long StartTimestamp { get; }

    public Claim? Claim { get; set; }

    public string ClaimKind { get; set; } = "none";

    /// <summary>When the first usable face was seen (the budget's start), or null.</summary>
    public long? BudgetStart { get; set; }

    /// <summary>Start of the current RETRY window (no usable face or no claim yet).</summary>
    public long WindowStart { get; set; }

    public int EdgeRetries { get; set; }

    public BestShotSelector Shots { get; }

    /// <summary>Probes taken before the claim was known (sent when the session opens).</summary>
    public List<Probe> Pending { get; } = [];

    public TravellerSession? Session { get; set; }

    public int ProbesSent { get; set; }

    public GateVerdict? Final { get; set; }

    public bool SawFace { get; set; }

    public long LastFaceTimestamp { get; set; }

    /// <summary>Why the last face could not be used (reason code and text).</summary>
    public (string Reason, string Text) LastProblem { get; set; } = ("no_face", "no face in view");

    public bool IsDone => Final is not null;

    /// <summary>Who the traveller is: the embedding of their first probe (null until one was taken).</summary>
    public FaceEmbedding? Identity { get; set; }

    /// <summary>The lane track of the traveller's face until the final verdict.</summary>
    public int? TrackId { get; set; }

    /// <summary>The lane track compared with <see cref="Identity"/> last (after the final verdict).</summary>
    public int? CheckedTrackId { get; set; }

    /// <summary>When the lane face was last compared with <see cref="Identity"/>.</summary>
    public long LastIdentityCheck { get; set; }

    /// <summary>Comparisons in a row in which the lane face was someone else.</summary>
    public int IdentityMisses { get; set; }
}
