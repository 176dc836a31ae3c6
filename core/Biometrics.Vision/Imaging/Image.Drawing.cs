using System.Buffers;

namespace Biometrics.Vision.Imaging;

public sealed unsafe partial class Image
{
    /// <summary>Draws a rectangle in place; <paramref name="thickness"/> &lt; 0 fills it.</summary>
    public void DrawRectangle(int x, int y, int width, int height, BgrColor color, int thickness = 2) =>
        NativeStatus.Check(NativeMethods.DrawRectangle(Handle, x, y, width, height, color.B, color.G, color.R, thickness));

    /// <summary>Draws a circle in place; <paramref name="thickness"/> &lt; 0 fills it.</summary>
    public void DrawCircle(int centerX, int centerY, int radius, BgrColor color, int thickness = 2) =>
        NativeStatus.Check(NativeMethods.DrawCircle(Handle, centerX, centerY, radius, color.B, color.G, color.R, thickness));

    /// <summary>Draws a line segment in place.</summary>
    public void DrawLine(int x1, int y1, int x2, int y2, BgrColor color, int thickness = 1) =>
        NativeStatus.Check(NativeMethods.DrawLine(Handle, x1, y1, x2, y2, color.B, color.G, color.R, thickness));

    /// <summary>
    /// Draws text in place with its bottom-left corner at (<paramref name="x"/>, <paramref name="y"/>). Only
    /// printable ASCII is available (other characters are drawn as '?').
    /// </summary>
    public void DrawText(string text, int x, int y, BgrColor color, double scale = 0.6, int thickness = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        var buffer = RentUtf8(text, out var length);
        try
        {
            fixed (byte* p = buffer)
            {
                NativeStatus.Check(NativeMethods.DrawText(Handle, p, length, x, y, scale, color.B, color.G, color.R, thickness));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Copies <paramref name="source"/> into this image with its top-left corner at (<paramref name="x"/>,
    /// <paramref name="y"/>), clipped to this image; grey and BGR are converted as needed.
    /// </summary>
    public void Paste(Image source, int x, int y)
    {
        ArgumentNullException.ThrowIfNull(source);
        NativeStatus.Check(NativeMethods.Paste(Handle, source.Handle, x, y));
    }
}
