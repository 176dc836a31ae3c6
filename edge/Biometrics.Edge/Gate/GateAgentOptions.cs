using Biometrics.Protos.V1;

namespace Biometrics.Edge.Gate;

/// <summary>Settings of one lane's <see cref="GateAgent"/>. Read when the agent starts.</summary>
public sealed class GateAgentOptions
{
    /// <summary>The gate (e-Channel) id, 1..64 characters.</summary>
    public string GateId { get; set; } = "gate-1";

    /// <summary>The lane id, 1..64 characters.</summary>
    public string LaneId { get; set; } = "lane-1";

    /// <summary>Time from the first usable face to the verdict (default 2 s). Also the length of a RETRY window when no
    /// usable face or no claim arrives.</summary>
    public TimeSpan Budget { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A claim that applies to every traveller (from <c>--subject</c>, <c>--qr</c> or <c>--chip-photo</c>); null:
    /// the claim comes from a QR code read in the frames.</summary>
    public Claim? FixedClaim { get; set; }

    /// <summary>Name of <see cref="FixedClaim"/>'s kind for the output (<c>subject</c>, <c>qr</c>, <c>chip_photo</c>).</summary>
    public string FixedClaimKind { get; set; } = "none";

    /// <summary>Look for QR codes in the frames (default true; only while a traveller has no claim).</summary>
    public bool ScanQrCodes { get; set; } = true;

    /// <summary>Look for a QR code in every n-th frame (default 2).</summary>
    public int QrEveryNthFrame { get; set; } = 2;

    /// <summary>Most probes sent per traveller (default 5).</summary>
    public int MaxProbes { get; set; } = 5;

    /// <summary>RETRY verdicts given by the edge (no usable face, no claim) before it refers the traveller (default 2).</summary>
    public int MaxEdgeRetries { get; set; } = 2;

    /// <summary>A traveller whose face has been gone this long has left the lane (default 1 s).</summary>
    public TimeSpan LeaveAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Cosine similarity of two faces below which they are different people (default 0.4; docs/EDGE.md, "Who is the
    /// traveller"): after a traveller's final verdict, a lane face this unlike them starts the next traveller, and before
    /// it a probe this unlike them is not sent.
    /// </summary>
    public float IdentityChangeSimilarity { get; set; } = 0.4f;

    /// <summary>How often the lane face is compared with the traveller after their final verdict (default 250 ms).</summary>
    public TimeSpan IdentityCheckInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The edge's quality gate, applied before a face is embedded and sent: the matcher's limits and reason codes
    /// (docs/POLICY.md, section 3), which the matcher applies again.</summary>
    public Biometrics.Contract.QualityLimits Quality { get; set; } = new();

    /// <summary>Write an annotated copy of the frames here (MJPG <c>.avi</c>); null for none.</summary>
    public string? AnnotatedVideoPath { get; set; }

    /// <summary>Print the live view on the error writer (default true).</summary>
    public bool LiveView { get; set; } = true;
}
