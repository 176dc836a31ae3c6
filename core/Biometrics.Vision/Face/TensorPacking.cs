using Biometrics.Vision.Imaging;

namespace Biometrics.Vision.Face;

/// <summary>Packs 8-bit images into float tensors (pure C#, reads <see cref="Image.Pixels"/> row by row).</summary>
internal static class TensorPacking
{
    /// <summary>
    /// Writes <paramref name="image"/> as planar CHW (3 planes) into <paramref name="destination"/>, value = (v - mean) * scale,
    /// in RGB plane order when <paramref name="rgb"/> (the source is BGR) else BGR; grey images are replicated.
    /// </summary>
    public static void PackChw(Image image, Span<float> destination, bool rgb, float mean, float scale)
    {
        var w = image.Width;
        var h = image.Height;
        var plane = w * h;
        if (destination.Length < 3 * plane)
        {
            throw new ArgumentException("destination too small", nameof(destination));
        }

        var pixels = image.Pixels;
        var stride = image.Stride;
        var p0 = destination[..plane];
        var p1 = destination.Slice(plane, plane);
        var p2 = destination.Slice(2 * plane, plane);
        if (image.Channels == 1)
        {
            for (var y = 0; y < h; y++)
            {
                var row = pixels.Slice(y * stride, w);
                var o = y * w;
                for (var x = 0; x < w; x++)
                {
                    var v = (row[x] - mean) * scale;
                    p0[o + x] = v;
                    p1[o + x] = v;
                    p2[o + x] = v;
                }
            }

            return;
        }

        var first = rgb ? p2 : p0;  // plane that receives B
        var last = rgb ? p0 : p2;   // plane that receives R
        for (var y = 0; y < h; y++)
        {
            var row = pixels.Slice(y * stride, w * 3);
            var o = y * w;
            for (var x = 0; x < w; x++)
            {
                first[o + x] = (row[3 * x] - mean) * scale;
                p1[o + x] = (row[3 * x + 1] - mean) * scale;
                last[o + x] = (row[3 * x + 2] - mean) * scale;
            }
        }
    }

    /// <summary>Writes a 1-channel image as v * scale (HW) into <paramref name="destination"/>.</summary>
    public static void PackGray(Image image, Span<float> destination, float scale)
    {
        if (image.Channels != 1)
        {
            throw new ArgumentException("expected a grey image", nameof(image));
        }

        var w = image.Width;
        var pixels = image.Pixels;
        for (var y = 0; y < image.Height; y++)
        {
            var row = pixels.Slice(y * image.Stride, w);
            var o = y * w;
            for (var x = 0; x < w; x++)
            {
                destination[o + x] = row[x] * scale;
            }
        }
    }
}
