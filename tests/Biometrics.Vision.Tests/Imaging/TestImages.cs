using System.Buffers.Binary;
using System.IO.Compression;
using Biometrics.Vision.Imaging;

namespace Biometrics.Vision.Tests.Imaging;

/// <summary>Builds encoded test images byte by byte (PNG, BMP headers, JPEG with an EXIF segment).</summary>
internal static class TestImages
{
    /// <summary>A valid 8-bit RGB PNG of the given size filled with one colour.</summary>
    public static byte[] Png(int width, int height, byte r, byte g, byte b)
    {
        var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            for (var x = 0; x < width; x++)
            {
                raw.WriteByte(r);
                raw.WriteByte(g);
                raw.WriteByte(b);
            }
        }

        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            raw.Position = 0;
            raw.CopyTo(z);
        }

        return PngWithIdat(width, height, compressed.ToArray());
    }

    /// <summary>A PNG whose header claims the given size, followed by an arbitrary IDAT chunk.</summary>
    public static byte[] PngWithIdat(int width, int height, byte[] idat)
    {
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // colour type: RGB
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", idat);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A BMP header (BITMAPINFOHEADER) claiming the given size, with no pixel data.</summary>
    public static byte[] BmpHeader(int width, int height)
    {
        var bmp = new byte[54];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        return bmp;
    }

    /// <summary>Inserts an APP1 Exif segment with one Orientation (0x0112) entry right after SOI.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        // TIFF structure, little endian: header, IFD0 with one entry, next-IFD offset 0.
        var tiff = new byte[8 + 2 + 12 + 4];
        tiff[0] = (byte)'I';
        tiff[1] = (byte)'I';
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(10), 0x0112); // tag: Orientation
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(12), 3); // type: SHORT
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(14), 1); // count
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(18), orientation);
        var payload = new byte[6 + tiff.Length];
        "Exif\0\0"u8.CopyTo(payload);
        tiff.CopyTo(payload, 6);

        var result = new MemoryStream();
        result.Write(jpeg, 0, 2); // SOI
        result.WriteByte(0xFF);
        result.WriteByte(0xE1); // APP1
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)(payload.Length + 2));
        result.Write(length);
        result.Write(payload);
        result.Write(jpeg, 2, jpeg.Length - 2);
        return result.ToArray();
    }

    /// <summary>A BGR image whose pixel (x, y) is (x, y, x + y) modulo 256: every pixel distinguishable.</summary>
    public static Image Gradient(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                pixels[i] = (byte)x;
                pixels[i + 1] = (byte)y;
                pixels[i + 2] = (byte)(x + y);
            }
        }

        return Image.FromPixels(pixels, width, height, 3);
    }

    /// <summary>Grey checkerboard of square cells (sharp edges).</summary>
    public static Image Checkerboard(int size, int cell)
    {
        var pixels = new byte[size * size];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                pixels[(y * size) + x] = (byte)((((x / cell) + (y / cell)) & 1) == 0 ? 0 : 255);
            }
        }

        return Image.FromPixels(pixels, size, size, 1);
    }

    public static (byte B, byte G, byte R) Bgr(Image image, int x, int y)
    {
        var i = (y * image.Stride) + (x * image.Channels);
        var p = image.Pixels;
        return (p[i], p[i + 1], p[i + 2]);
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        s.Write(header);
        s.Write(data);
        var crcInput = new byte[4 + data.Length];
        header.AsSpan(4).CopyTo(crcInput);
        data.CopyTo(crcInput, 4);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(crcInput));
        s.Write(crc);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
