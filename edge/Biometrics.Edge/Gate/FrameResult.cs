using Biometrics.Edge.Tracking;
using Biometrics.Vision.Face;

namespace Biometrics.Edge.Gate;

/// <summary>What the agent made of one frame (for the live view and the annotated video). The analysis belongs to the agent.</summary>
/// <param name="Tracks">Live tracks after this frame.</param>
/// <param name="Lane">The traveller's track, or null.</param>
/// <param name="Analysis">Landmarks, quality and liveness of the lane face when it was analysed, else null.</param>
/// <param name="Problem">Why the lane face is not usable (reason code and text), or null when usable or not analysed.</param>
/// <param name="ShotSent">True when a probe was taken from this frame.</param>
/// <param name="QrText">A QR code text read in this frame, or null.</param>
/// <param name="Traveller">Number of the traveller at the lane, or 0.</param>
public sealed record FrameResult(
    IReadOnlyList<Track> Tracks,
    Track? Lane,
    FaceAnalysis? Analysis,
    (string Reason, string Text)? Problem,
    bool ShotSent,
    string? QrText,
    int Traveller);
