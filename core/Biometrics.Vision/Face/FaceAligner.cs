using System.Numerics;
using Biometrics.Vision.Imaging;

namespace Biometrics.Vision.Face;

/// <summary>
/// Five-point alignment onto the standard 112x112 face template: left eye, right eye, nose tip and the two mouth
/// corners are taken from the 68 landmarks, a least-squares similarity transform (rotation, uniform scale, translation;
/// no reflection or shear) maps them onto <see cref="Reference"/>, and the image is warped with bilinear interpolation
/// (outside pixels black). Stateless and thread-safe.
/// </summary>
public static class FaceAligner
{
    /// <summary>Side of the aligned face in pixels.</summary>
    public const int Size = 112;

    /// <summary>Reference positions (112x112) of left eye, right eye, nose tip, left and right mouth corner.</summary>
    public static ReadOnlySpan<Vector2> Reference => s_reference;

    private static readonly Vector2[] s_reference =
    [
        new(38.2946f, 51.6963f),
        new(73.5318f, 51.5014f),
        new(56.0252f, 71.7366f),
        new(41.5493f, 92.3655f),
        new(70.7299f, 92.2041f),
    ];

    /// <summary>
    /// The five alignment points from 68 landmarks (0-based): left eye = mean of 37,38,40,41; right eye = mean of
    /// 43,44,46,47; nose tip = 30; mouth corners = mean(48,60) and mean(54,64).
    /// </summary>
    public static Vector2[] FivePoints(ReadOnlySpan<Vector2> landmarks68)
    {
        if (landmarks68.Length != 68)
        {
            throw new ArgumentException($"Expected 68 landmarks, got {landmarks68.Length}.", nameof(landmarks68));
        }

        var l = landmarks68;
        return
        [
            (l[37] + l[38] + l[40] + l[41]) * 0.25f,
            (l[43] + l[44] + l[46] + l[47]) * 0.25f,
            l[30],
            (l[48] + l[60]) * 0.5f,
            (l[54] + l[64]) * 0.5f,
        ];
    }

    /// <summary>
    /// Least-squares similarity transform taking <paramref name="source"/> points onto <paramref name="destination"/>
    /// points, as a row-major 2x3 matrix [a, -b, tx, b, a, ty] (source to destination).
    /// </summary>
    public static double[] EstimateSimilarity(ReadOnlySpan<Vector2> source, ReadOnlySpan<Vector2> destination)
    {
        if (source.Length != destination.Length || source.Length < 2)
        {
            throw new ArgumentException("Need at least two matching point pairs.");
        }

        double msx = 0, msy = 0, mdx = 0, mdy = 0;
        var n = source.Length;
        for (var i = 0; i < n; i++)
        {
            msx += source[i].X;
            msy += source[i].Y;
            mdx += destination[i].X;
            mdy += destination[i].Y;
        }

        msx /= n;
        msy /= n;
        mdx /= n;
        mdy /= n;
        double dot = 0, cross = 0, norm = 0;
        for (var i = 0; i < n; i++)
        {
            var px = source[i].X - msx;
            var py = source[i].Y - msy;
            var qx = destination[i].X - mdx;
            var qy = destination[i].Y - mdy;
            dot += px * qx + py * qy;
            cross += px * qy - py * qx;
            norm += px * px + py * py;
        }

        if (norm < 1e-9)
        {
            throw new ArgumentException("The source points coincide; no transform can be estimated.");
        }

        var a = dot / norm;
        var b = cross / norm;
        var tx = mdx - (a * msx - b * msy);
        var ty = mdy - (b * msx + a * msy);
        return [a, -b, tx, b, a, ty];
    }

    /// <summary>Warps <paramref name="image"/> so that <paramref name="fivePoints"/> land on <see cref="Reference"/>; returns a new 112x112 image.</summary>
    public static Image Align(Image image, ReadOnlySpan<Vector2> fivePoints)
    {
        ArgumentNullException.ThrowIfNull(image);
        var m = EstimateSimilarity(fivePoints, Reference);
        return image.WarpAffine(m, Size, Size);
    }
}
