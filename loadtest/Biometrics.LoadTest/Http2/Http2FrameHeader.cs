using System.Buffers.Binary;

namespace Biometrics.LoadTest.Http2;

/// <summary>
/// The 9-byte header of every HTTP/2 frame (RFC 9113 section 4.1): 24-bit payload length, type, flags, and a
/// 31-bit stream identifier (the reserved bit is ignored on receive and sent as 0). Immutable; thread-safe.
/// </summary>
/// <param name="Length">Payload length in bytes (at most 2^24 - 1).</param>
/// <param name="Type">Frame type (unknown types are kept as their number).</param>
/// <param name="Flags">Flag bits.</param>
/// <param name="StreamId">Stream identifier; 0 for the connection.</param>
public readonly record struct Http2FrameHeader(int Length, Http2FrameType Type, byte Flags, int StreamId)
{
    /// <summary>Size of a frame header on the wire.</summary>
    public const int Size = 9;

    /// <summary>Whether all bits of <paramref name="flag"/> are set.</summary>
    public bool Has(byte flag) => (Flags & flag) == flag;

    /// <summary>Parses the first 9 bytes of <paramref name="source"/>.</summary>
    public static Http2FrameHeader Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            throw new ArgumentException("a frame header is 9 bytes", nameof(source));
        }

        var length = (source[0] << 16) | (source[1] << 8) | source[2];
        var stream = (int)(BinaryPrimitives.ReadUInt32BigEndian(source[5..]) & 0x7FFF_FFFF);
        return new Http2FrameHeader(length, (Http2FrameType)source[3], source[4], stream);
    }

    /// <summary>Writes a frame header into the first 9 bytes of <paramref name="destination"/>.</summary>
    public static void Write(Span<byte> destination, int length, Http2FrameType type, byte flags, int streamId)
    {
        destination[0] = (byte)(length >> 16);
        destination[1] = (byte)(length >> 8);
        destination[2] = (byte)length;
        destination[3] = (byte)type;
        destination[4] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], (uint)streamId & 0x7FFF_FFFF);
    }
}
