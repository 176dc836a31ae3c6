using Biometrics.Edge.Tracking;
using Biometrics.Vision.Face;

namespace Biometrics.Edge.Gate;

/// <summary>
/// Who is in the lane (docs/EDGE.md, "Who is the traveller"): a traveller's identity is the embedding of their first
/// probe. After their final verdict the lane face is compared with it every <see cref="GateAgentOptions.IdentityCheckInterval"/>
/// (and at once when the lane face is another track); when it falls below <see cref="GateAgentOptions.IdentityChangeSimilarity"/>
/// in <see cref="IdentityChangeChecks"/> checks in a row, someone else is standing there and the next traveller starts,
/// even though the lane was never empty (a tailgater). A traveller who never gave a probe has no identity: then a
/// different lane track starts the next traveller. Before the verdict, a probe of another face is not sent.
/// </summary>
public sealed partial class GateAgent
{
    /// <summary>Checks in a row below the similarity that mean another person (one bad frame is not enough).</summary>
    private const int IdentityChangeChecks = 2;

    /// <summary>True when the traveller, done and without an identity, has been replaced by another lane track.</summary>
    private static bool OtherTrackLocked(LaneEpisode ep, Track lane) => ep.Identity is null && ep.TrackId is { } id && id != lane.Id;

    /// <summary>True when the lane face of a traveller who has their final verdict should be compared with them now.</summary>
    private bool IdentityCheckDueLocked(LaneEpisode ep, Track lane, long now) =>
        ep.IsDone && ep.Identity is not null &&
        (ep.CheckedTrackId != lane.Id || _clock.GetElapsedTime(ep.LastIdentityCheck, now) >= _options.IdentityCheckInterval);

    /// <summary>
    /// Records one comparison of the lane face (<paramref name="face"/>, null when it failed the quality gate and cannot be
    /// compared) with the traveller who has their verdict, and starts the next traveller when it is someone else.
    /// </summary>
    private void CheckIdentityLocked(LaneEpisode ep, Track lane, FaceEmbedding? face, long now)
    {
        ep.LastIdentityCheck = now;
        ep.CheckedTrackId = lane.Id;
        if (face is null)
        {
            return;
        }

        var similarity = face.Similarity(ep.Identity!);
        ep.IdentityMisses = similarity < _options.IdentityChangeSimilarity ? ep.IdentityMisses + 1 : 0;
        if (ep.IdentityMisses < IdentityChangeChecks)
        {
            return;
        }

        _view.Event($"traveller {ep.Number}: another face in the lane (similarity {similarity:F2} < {_options.IdentityChangeSimilarity:F2}, track {lane.Id})");
        var next = _episode = NewEpisodeLocked(now);
        next.SawFace = true;
        next.LastFaceTimestamp = now;
        next.TrackId = lane.Id;
    }

    /// <summary>
    /// True when a probe's <paramref name="face"/> is the traveller's (the first probe sets who that is); false, and the
    /// probe is not sent, when it is another person's.
    /// </summary>
    private bool SameTravellerLocked(LaneEpisode ep, FaceEmbedding face)
    {
        if (ep.Identity is null)
        {
            ep.Identity = face;
            return true;
        }

        var similarity = face.Similarity(ep.Identity);
        if (similarity >= _options.IdentityChangeSimilarity)
        {
            return true;
        }

        _view.Event($"traveller {ep.Number}: probe not sent, another face (similarity {similarity:F2} < {_options.IdentityChangeSimilarity:F2})");
        return false;
    }
}
