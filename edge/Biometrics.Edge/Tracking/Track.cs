using Biometrics.Vision.Face;

namespace Biometrics.Edge.Tracking;

/// <summary>One face followed across frames by <see cref="FaceTracker"/>. Mutated only by the tracker; not thread-safe.</summary>
public sealed class Track
{
    internal Track(int id, FaceBox box, long frame)
    {
        Id = id;
        Box = box;
        FirstFrame = frame;
        LastSeenFrame = frame;
        Hits = 1;
        ConsecutiveHits = 1;
    }

    /// <summary>Identifier, unique within one tracker (1, 2, ...).</summary>
    public int Id { get; }

    /// <summary>The box of the last detection matched to this track.</summary>
    public FaceBox Box { get; internal set; }

    /// <summary>Frame index of the first detection.</summary>
    public long FirstFrame { get; }

    /// <summary>Frame index of the last matched detection.</summary>
    public long LastSeenFrame { get; internal set; }

    /// <summary>Frames in which the track was matched.</summary>
    public int Hits { get; internal set; }

    /// <summary>Frames matched in a row up to the last update (0 when missed in the last frame).</summary>
    public int ConsecutiveHits { get; internal set; }

    /// <summary>Frames missed in a row since the last match.</summary>
    public int Misses { get; internal set; }

    /// <summary>True when the track was matched in the last update.</summary>
    public bool IsVisible => Misses == 0;

    /// <inheritdoc />
    public override string ToString() => $"track {Id} ({Box.Width:F0}x{Box.Height:F0} at {Box.CenterX:F0},{Box.CenterY:F0}, hits {Hits}, misses {Misses})";
}
