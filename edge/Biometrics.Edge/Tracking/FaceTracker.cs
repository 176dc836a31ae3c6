using Biometrics.Vision.Face;

namespace Biometrics.Edge.Tracking;

/// <summary>
/// Follows faces across frames by box overlap: each frame's detections are matched greedily, highest
/// intersection-over-union first, to the existing tracks (a match needs IoU of at least <see cref="MinIoU"/>);
/// unmatched detections start new tracks; a track that goes unmatched for more than <see cref="MaxMisses"/> frames is
/// dropped. Not thread-safe: one tracker per video stream.
/// </summary>
public sealed class FaceTracker
{
    private readonly List<Track> _tracks = [];
    private int _nextId = 1;

    /// <summary>Minimum IoU between a track's last box and a detection for them to be the same face (default 0.3).</summary>
    public float MinIoU { get; init; } = 0.3f;

    /// <summary>Frames a track survives without a detection before it is dropped (default 5).</summary>
    public int MaxMisses { get; init; } = 5;

    /// <summary>The live tracks (visible or recently missed), oldest first.</summary>
    public IReadOnlyList<Track> Tracks => _tracks;

    /// <summary>Matches the detections of frame <paramref name="frame"/> to the tracks and returns the live tracks.</summary>
    public IReadOnlyList<Track> Update(IReadOnlyList<FaceBox> detections, long frame)
    {
        ArgumentNullException.ThrowIfNull(detections);
        var pairs = new List<(float IoU, int Track, int Detection)>();
        for (var t = 0; t < _tracks.Count; t++)
        {
            for (var d = 0; d < detections.Count; d++)
            {
                var iou = _tracks[t].Box.IoU(detections[d]);
                if (iou >= MinIoU)
                {
                    pairs.Add((iou, t, d));
                }
            }
        }

        pairs.Sort((a, b) => b.IoU.CompareTo(a.IoU));
        var trackUsed = new bool[_tracks.Count];
        var detectionUsed = new bool[detections.Count];
        foreach (var (_, t, d) in pairs)
        {
            if (trackUsed[t] || detectionUsed[d])
            {
                continue;
            }

            trackUsed[t] = true;
            detectionUsed[d] = true;
            var track = _tracks[t];
            track.Box = detections[d];
            track.LastSeenFrame = frame;
            track.Hits++;
            track.ConsecutiveHits = track.Misses == 0 ? track.ConsecutiveHits + 1 : 1;
            track.Misses = 0;
        }

        for (var t = 0; t < trackUsed.Length; t++)
        {
            if (!trackUsed[t])
            {
                _tracks[t].Misses++;
                _tracks[t].ConsecutiveHits = 0;
            }
        }

        _tracks.RemoveAll(t => t.Misses > MaxMisses);
        for (var d = 0; d < detections.Count; d++)
        {
            if (!detectionUsed[d])
            {
                _tracks.Add(new Track(_nextId++, detections[d], frame));
            }
        }

        return _tracks;
    }

    /// <summary>Forgets every track (identifiers keep increasing).</summary>
    public void Reset() => _tracks.Clear();
}
