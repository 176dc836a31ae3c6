namespace Biometrics.Vision.Face;

/// <summary>
/// A face rectangle in pixel coordinates of the analysed image (corner form: x1,y1 top-left, x2,y2 bottom-right) with
/// the detector's confidence <see cref="Score"/> in [0,1] (softmax probability of the face class). Immutable.
/// </summary>
public readonly record struct FaceBox(float X1, float Y1, float X2, float Y2, float Score)
{
    /// <summary>Width in pixels.</summary>
    public float Width => X2 - X1;

    /// <summary>Height in pixels.</summary>
    public float Height => Y2 - Y1;

    /// <summary>Area in square pixels (0 for degenerate boxes).</summary>
    public float Area => MathF.Max(0, Width) * MathF.Max(0, Height);

    /// <summary>Horizontal centre.</summary>
    public float CenterX => (X1 + X2) * 0.5f;

    /// <summary>Vertical centre.</summary>
    public float CenterY => (Y1 + Y2) * 0.5f;

    /// <summary>Intersection over union with <paramref name="other"/> (0 when disjoint).</summary>
    public float IoU(in FaceBox other)
    {
        var w = MathF.Min(X2, other.X2) - MathF.Max(X1, other.X1);
        var h = MathF.Min(Y2, other.Y2) - MathF.Max(Y1, other.Y1);
        if (w <= 0 || h <= 0)
        {
            return 0;
        }

        var inter = w * h;
        return inter / (Area + other.Area - inter);
    }

    /// <summary>The integer rectangle (x, y, w, h) of this box clamped to a <paramref name="width"/> x <paramref name="height"/> image; w or h is 0 when outside.</summary>
    public (int X, int Y, int W, int H) ClampedRect(int width, int height)
    {
        var x1 = Math.Clamp((int)MathF.Floor(X1), 0, width);
        var y1 = Math.Clamp((int)MathF.Floor(Y1), 0, height);
        var x2 = Math.Clamp((int)MathF.Ceiling(X2), 0, width);
        var y2 = Math.Clamp((int)MathF.Ceiling(Y2), 0, height);
        return (x1, y1, Math.Max(0, x2 - x1), Math.Max(0, y2 - y1));
    }
}
