using System.Text;
using OpenCvSharp;

namespace Biometrics.Vision.Imaging;

public sealed partial class Image
{
    /// <summary>Draws a rectangle in place; <paramref name="thickness"/> &lt; 0 fills it.</summary>
    public void DrawRectangle(int x, int y, int width, int height, BgrColor color, int thickness = 2)
    {
        var mat = Mat;
        if (width > 0 && height > 0)
        {
            Cv2.Rectangle(mat, new Rect(x, y, width, height), Colour(color), Thickness(thickness), LineTypes.Link8);
        }
    }

    /// <summary>Draws a circle in place; <paramref name="thickness"/> &lt; 0 fills it.</summary>
    public void DrawCircle(int centerX, int centerY, int radius, BgrColor color, int thickness = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(radius);
        Cv2.Circle(Mat, new Point(centerX, centerY), radius, Colour(color), Thickness(thickness), LineTypes.AntiAlias);
    }

    /// <summary>Draws a line segment in place.</summary>
    public void DrawLine(int x1, int y1, int x2, int y2, BgrColor color, int thickness = 1) =>
        Cv2.Line(Mat, new Point(x1, y1), new Point(x2, y2), Colour(color), Math.Max(1, Thickness(thickness)), LineTypes.AntiAlias);

    /// <summary>
    /// Draws text in place with its bottom-left corner at (<paramref name="x"/>, <paramref name="y"/>). Only
    /// printable ASCII is available (other characters are drawn as '?').
    /// </summary>
    public void DrawText(string text, int x, int y, BgrColor color, double scale = 0.6, int thickness = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!(scale > 0 && scale <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "the text scale must be in (0, 100]");
        }

        // The Hershey fonts cover printable ASCII only.
        var ascii = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            ascii.Append(rune.Value is >= 0x20 and <= 0x7E ? (char)rune.Value : '?');
        }

        Cv2.PutText(Mat, ascii.ToString(), new Point(x, y), HersheyFonts.HersheySimplex, scale, Colour(color), Math.Max(1, Thickness(thickness)), LineTypes.AntiAlias);
    }

    /// <summary>
    /// Copies <paramref name="source"/> into this image with its top-left corner at (<paramref name="x"/>,
    /// <paramref name="y"/>), clipped to this image; grey and BGR are converted as needed.
    /// </summary>
    public void Paste(Image source, int x, int y)
    {
        ArgumentNullException.ThrowIfNull(source);
        var target = Mat;
        long x0 = Math.Max(x, 0), y0 = Math.Max(y, 0);
        long x1 = Math.Min((long)x + source.Width, Width), y1 = Math.Min((long)y + source.Height, Height);
        if (x1 <= x0 || y1 <= y0)
        {
            return; // entirely outside: nothing to draw
        }

        using var converted = source.Channels == Channels ? null : Channels == 3 ? source.ToBgr() : source.ToGray();
        var from = (converted ?? source).Mat;
        var size = new Size((int)(x1 - x0), (int)(y1 - y0));
        using var to = new Mat(target, new Rect(new Point((int)x0, (int)y0), size));
        using var part = new Mat(from, new Rect(new Point((int)(x0 - x), (int)(y0 - y)), size));
        part.CopyTo(to);
    }

    private static int Thickness(int thickness) => thickness < 0 ? -1 : Math.Min(thickness, 1000);

    /// <summary>The colour to draw with; on a grey image its BT.601 luma.</summary>
    private Scalar Colour(BgrColor c) =>
        Channels == 1 ? new Scalar((0.114 * c.B) + (0.587 * c.G) + (0.299 * c.R)) : new Scalar(c.B, c.G, c.R);
}
