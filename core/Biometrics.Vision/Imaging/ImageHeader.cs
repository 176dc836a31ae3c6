using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Biometrics.Vision.Imaging;

/// <summary>The container and pixel size of an encoded image, read from its header without decoding any pixels.</summary>
internal readonly record struct ImageHeader(string Format, long Width, long Height)
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// Reads the header of a JPEG, PNG, BMP or WebP byte stream: the guard that refuses a decompression bomb (a
    /// small file announcing a huge image) before OpenCV allocates its pixels (docs/VISION.md, "Decoding").
    /// </summary>
    /// <exception cref="ImageDecodeException">Empty input, an unknown signature, or a damaged or truncated header.</exception>
    public static ImageHeader Read(ReadOnlySpan<byte> d)
    {
        if (d.IsEmpty)
        {
            throw new ImageDecodeException("empty input: no image data", ImageDecodeError.UnsupportedFormat);
        }

        ImageHeader h;
        if (d.Length >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
        {
            return ReadJpeg(d);
        }
        else if (d.StartsWith(PngSignature))
        {
            if (d.Length < 24 || !d.Slice(12, 4).SequenceEqual("IHDR"u8))
            {
                Corrupt("corrupt PNG: the IHDR header chunk is missing or truncated");
            }

            h = new("PNG", BinaryPrimitives.ReadUInt32BigEndian(d[16..]), BinaryPrimitives.ReadUInt32BigEndian(d[20..]));
        }
        else if (d.Length >= 2 && d[0] == 'B' && d[1] == 'M')
        {
            h = ReadBmp(d);
        }
        else if (d.Length >= 16 && d[..4].SequenceEqual("RIFF"u8) && d.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            h = ReadWebp(d);
        }
        else
        {
            throw new ImageDecodeException("not a JPEG, PNG, BMP or WebP image (unrecognised signature)", ImageDecodeError.UnsupportedFormat);
        }

        if (h.Width <= 0 || h.Height <= 0 || h.Width > int.MaxValue || h.Height > int.MaxValue)
        {
            Corrupt($"corrupt image header: invalid size {h.Width}x{h.Height}");
        }

        return h;
    }

    /// <summary>Walks the JPEG marker segments up to the frame header (SOFn).</summary>
    private static ImageHeader ReadJpeg(ReadOnlySpan<byte> d)
    {
        var pos = 2;
        while (pos < d.Length)
        {
            if (d[pos] != 0xFF)
            {
                Corrupt("corrupt JPEG: marker expected before the frame header");
            }

            while (pos < d.Length && d[pos] == 0xFF)
            {
                pos++; // fill bytes
            }

            if (pos >= d.Length)
            {
                break;
            }

            var marker = d[pos++];
            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue; // no payload
            }

            if (marker is 0xD9 or 0xDA)
            {
                Corrupt("corrupt JPEG: no frame header (SOF) before the image data");
            }

            if (pos + 2 > d.Length)
            {
                break;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(d[pos..]);
            if (length < 2)
            {
                Corrupt("corrupt JPEG: invalid segment length");
            }

            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
            {
                if (pos + 7 > d.Length)
                {
                    break;
                }

                var height = BinaryPrimitives.ReadUInt16BigEndian(d[(pos + 3)..]);
                var width = BinaryPrimitives.ReadUInt16BigEndian(d[(pos + 5)..]);
                if (width == 0 || height == 0)
                {
                    Corrupt($"corrupt or unsupported JPEG: frame header gives size {width}x{height}");
                }

                return new("JPEG", width, height);
            }

            pos += length;
        }

        Corrupt("truncated JPEG: the data ends before the frame header");
        return default;
    }

    private static ImageHeader ReadBmp(ReadOnlySpan<byte> d)
    {
        if (d.Length < 26)
        {
            Corrupt("corrupt BMP: the header is truncated");
        }

        var infoSize = BinaryPrimitives.ReadUInt32LittleEndian(d[14..]);
        if (infoSize == 12)
        {
            // OS/2 BITMAPCOREHEADER: 16-bit sizes.
            return new("BMP", BinaryPrimitives.ReadUInt16LittleEndian(d[18..]), BinaryPrimitives.ReadUInt16LittleEndian(d[20..]));
        }

        if (infoSize < 40)
        {
            Corrupt($"corrupt BMP: unknown info header size {infoSize}");
        }

        long height = BinaryPrimitives.ReadInt32LittleEndian(d[22..]);
        return new("BMP", BinaryPrimitives.ReadInt32LittleEndian(d[18..]), Math.Abs(height)); // negative height: top-down rows
    }

    /// <summary>The first RIFF chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended, canvas size).</summary>
    private static ImageHeader ReadWebp(ReadOnlySpan<byte> d)
    {
        var chunk = d.Slice(12, 4);
        if (chunk.SequenceEqual("VP8 "u8))
        {
            if (d.Length < 30 || d[23] != 0x9D || d[24] != 0x01 || d[25] != 0x2A)
            {
                Corrupt("corrupt WebP: invalid VP8 frame header");
            }

            return new("WebP", BinaryPrimitives.ReadUInt16LittleEndian(d[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(d[28..]) & 0x3FFF);
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            if (d.Length < 25 || d[20] != 0x2F)
            {
                Corrupt("corrupt WebP: invalid VP8L header");
            }

            var bits = BinaryPrimitives.ReadUInt32LittleEndian(d[21..]);
            return new("WebP", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
        }

        if (chunk.SequenceEqual("VP8X"u8))
        {
            if (d.Length < 30)
            {
                Corrupt("corrupt WebP: truncated VP8X header");
            }

            return new("WebP", UInt24(d[24..]) + 1L, UInt24(d[27..]) + 1L);
        }

        Corrupt("corrupt or unsupported WebP: unknown first chunk");
        return default;
    }

    private static int UInt24(ReadOnlySpan<byte> p) => p[0] | (p[1] << 8) | (p[2] << 16);

    [DoesNotReturn]
    private static void Corrupt(string message) => throw new ImageDecodeException(message, ImageDecodeError.Corrupt);
}
