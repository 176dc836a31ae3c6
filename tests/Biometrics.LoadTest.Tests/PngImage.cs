using System.Buffers.Binary;
using System.IO.Compression;

namespace Biometrics.LoadTest.Tests;

/// <summary>Just enough of a PNG decoder (8-bit RGB/RGBA, not interlaced) to tell whether a screenshot is blank.</summary>
internal sealed class PngImage
{
    private PngImage(int width, int height, int channels, byte[] pixels)
    {
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public int Channels { get; }

    public byte[] Pixels { get; }

    public static PngImage Decode(byte[] png)
    {
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (var pos = 8; pos < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            var type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                if (data[8] != 8 || data[12] != 0)
                {
                    throw new NotSupportedException("only 8-bit, non-interlaced PNG");
                }

                channels = data[9] switch
                {
                    2 => 3,
                    6 => 4,
                    _ => throw new NotSupportedException($"colour type {data[9]}"),
                };
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            pos += 12 + length;
        }

        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        var bytes = raw.ToArray();
        var stride = width * channels;
        var pixels = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = bytes[y * (stride + 1)];
            var src = bytes.AsSpan((y * (stride + 1)) + 1, stride);
            var row = pixels.AsSpan(y * stride, stride);
            var prev = y == 0 ? new byte[stride] : pixels.AsSpan((y - 1) * stride, stride);
            for (var x = 0; x < stride; x++)
            {
                int a = x >= channels ? row[x - channels] : 0, b = prev[x], c = x >= channels ? prev[x - channels] : 0;
                var predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"filter {filter}"),
                };
                row[x] = (byte)(src[x] + predictor);
            }
        }

        return new PngImage(width, height, channels, pixels);
    }

    /// <summary>Share of pixels that are not (near) white.</summary>
    public double NonWhiteFraction()
    {
        long count = 0;
        for (var i = 0; i < Pixels.Length; i += Channels)
        {
            if (Pixels[i] < 230 || Pixels[i + 1] < 230 || Pixels[i + 2] < 230)
            {
                count++;
            }
        }

        return count / (double)(Width * Height);
    }

    /// <summary>Number of distinct RGB colours.</summary>
    public int DistinctColours()
    {
        var set = new HashSet<int>();
        for (var i = 0; i < Pixels.Length; i += Channels)
        {
            set.Add((Pixels[i] << 16) | (Pixels[i + 1] << 8) | Pixels[i + 2]);
        }

        return set.Count;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
