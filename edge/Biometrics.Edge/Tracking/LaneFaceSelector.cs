namespace Biometrics.Edge.Tracking;

/// <summary>
/// Picks the face of the traveller standing in the lane among the visible tracks: the largest, most central and most
/// stable one. Each visible track with at least <see cref="MinConsecutiveHits"/> frames in a row scores
/// <c>area share x centrality x stability</c>, where centrality falls from 1 at the frame centre to 0.25 at a corner and
/// stability grows from 0.5 to 1 over <see cref="StableFrames"/> frames. The current lane face keeps its place unless
/// another track scores <see cref="SwitchMargin"/> times higher, so people walking past behind the traveller do not
/// steal the lane. Not thread-safe.
/// </summary>
public sealed class LaneFaceSelector
{
    private int? _currentId;

    /// <summary>Frames in a row a track must have been seen before it can be the lane face (default 2).</summary>
    public int MinConsecutiveHits { get; init; } = 2;

    /// <summary>Frames after which a track counts as fully stable (default 5).</summary>
    public int StableFrames { get; init; } = 5;

    /// <summary>How much better another face must score to replace the current one (default 1.5).</summary>
    public float SwitchMargin { get; init; } = 1.5f;

    /// <summary>The id of the lane face chosen last, or null.</summary>
    public int? CurrentTrackId => _currentId;

    /// <summary>The score of <paramref name="track"/> in a <paramref name="width"/> x <paramref name="height"/> frame (0 when not eligible).</summary>
    public float Score(Track track, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(track);
        if (!track.IsVisible || track.ConsecutiveHits < MinConsecutiveHits || width <= 0 || height <= 0)
        {
            return 0;
        }

        var areaShare = track.Box.Area / (width * (float)height);
        var dx = (track.Box.CenterX - width / 2f) / (width / 2f);
        var dy = (track.Box.CenterY - height / 2f) / (height / 2f);
        var offCentre = Math.Clamp(MathF.Sqrt(dx * dx + dy * dy) / MathF.Sqrt(2), 0, 1);
        var centrality = 1 - 0.75f * offCentre;
        var stability = 0.5f + 0.5f * Math.Min(1f, track.Hits / (float)StableFrames);
        return areaShare * centrality * stability;
    }

    /// <summary>Chooses the lane face among <paramref name="tracks"/>, or null when none is eligible.</summary>
    public Track? Select(IReadOnlyList<Track> tracks, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        Track? best = null;
        float bestScore = 0;
        Track? current = null;
        float currentScore = 0;
        foreach (var track in tracks)
        {
            var score = Score(track, width, height);
            if (score <= 0)
            {
                continue;
            }

            if (track.Id == _currentId)
            {
                current = track;
                currentScore = score;
            }

            if (score > bestScore)
            {
                best = track;
                bestScore = score;
            }
        }

        var chosen = current is not null && bestScore < currentScore * SwitchMargin ? current : best;
        if (chosen is not null)
        {
            _currentId = chosen.Id;
        }
        else if (_currentId is { } id && !tracks.Any(t => t.Id == id))
        {
            _currentId = null;
        }

        return chosen;
    }

    /// <summary>Forgets the current lane face.</summary>
    public void Reset() => _currentId = null;
}
