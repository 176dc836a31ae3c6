using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Biometrics.Matcher.Store;

/// <summary>
/// The plaintext inside a template blob, little-endian:
/// <c>[format u8 = 1][subject id: u16 length + UTF-8][dimension u16][dimension x f32][quality f32]
/// [enrolled-at i64 Unix ms][gallery count u8][per gallery: u8 length + UTF-8]</c>.
/// </summary>
internal static class TemplatePayload
{
    private const byte Format = 1;

    public static byte[] Write(string subjectId, ReadOnlySpan<float> vector, float quality, DateTimeOffset enrolledAt, IReadOnlyList<string> galleries)
    {
        var id = Encoding.UTF8.GetBytes(subjectId);
        var size = 1 + 2 + id.Length + 2 + (vector.Length * 4) + 4 + 8 + 1;
        foreach (var g in galleries) size += 1 + Encoding.UTF8.GetByteCount(g);
        var buffer = new byte[size];
        var s = buffer.AsSpan();
        s[0] = Format;
        BinaryPrimitives.WriteUInt16LittleEndian(s[1..], (ushort)id.Length);
        id.CopyTo(s[3..]);
        var p = 3 + id.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(s[p..], (ushort)vector.Length);
        p += 2;
        MemoryMarshal.AsBytes(vector).CopyTo(s[p..]);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Big-endian hosts are not supported.");
        p += vector.Length * 4;
        BinaryPrimitives.WriteSingleLittleEndian(s[p..], quality);
        p += 4;
        BinaryPrimitives.WriteInt64LittleEndian(s[p..], enrolledAt.ToUnixTimeMilliseconds());
        p += 8;
        s[p++] = (byte)galleries.Count;
        foreach (var g in galleries)
        {
            var n = Encoding.UTF8.GetBytes(g, s[(p + 1)..]);
            s[p] = (byte)n;
            p += 1 + n;
        }

        return buffer;
    }

    /// <summary>
    /// Where the vector (<paramref name="vectorOffset"/>, <paramref name="dimension"/> floats) and the gallery list
    /// (count byte and names, see <see cref="ReadGalleries"/>) lie in a payload; nothing is copied.
    /// </summary>
    public static void LocateVector(ReadOnlySpan<byte> s, SubjectKey subject, out int vectorOffset, out int dimension, out int listOffset, out int listLength)
    {
        if (s.Length < 18 || s[0] != Format) throw new TemplateIntegrityException($"The payload of {subject} has an unknown format.");
        var p = 3 + BinaryPrimitives.ReadUInt16LittleEndian(s[1..]);
        if (p + 2 > s.Length) throw Truncated(subject);
        dimension = BinaryPrimitives.ReadUInt16LittleEndian(s[p..]);
        vectorOffset = p + 2;
        listOffset = vectorOffset + (dimension * 4) + 4 + 8;
        if (listOffset >= s.Length) throw Truncated(subject);
        var end = listOffset + 1;
        for (var i = 0; i < s[listOffset]; i++)
        {
            if (end >= s.Length) throw Truncated(subject);
            end += 1 + s[end];
        }

        if (end > s.Length) throw Truncated(subject);
        listLength = end - listOffset;
    }

    /// <summary>The gallery names of a list located by <see cref="LocateVector"/>.</summary>
    public static string[] ReadGalleries(ReadOnlySpan<byte> list)
    {
        var galleries = new string[list[0]];
        var p = 1;
        for (var i = 0; i < galleries.Length; i++)
        {
            var n = list[p];
            galleries[i] = Encoding.UTF8.GetString(list.Slice(p + 1, n));
            p += 1 + n;
        }

        return galleries;
    }

    private static TemplateIntegrityException Truncated(SubjectKey subject) => new($"The payload of {subject} is truncated.");

    /// <summary>The vector inside a payload, read in place (valid as long as <paramref name="s"/>).</summary>
    public static ReadOnlySpan<float> Vector(ReadOnlySpan<byte> s, SubjectKey subject)
    {
        if (s.Length < 18 || s[0] != Format) throw new TemplateIntegrityException($"The payload of {subject} has an unknown format.");
        var p = 3 + BinaryPrimitives.ReadUInt16LittleEndian(s[1..]);
        if (p + 2 > s.Length) throw new TemplateIntegrityException($"The payload of {subject} is truncated.");
        var dim = BinaryPrimitives.ReadUInt16LittleEndian(s[p..]);
        if (p + 2 + (dim * 4) > s.Length) throw new TemplateIntegrityException($"The payload of {subject} is truncated.");
        return MemoryMarshal.Cast<byte, float>(s.Slice(p + 2, dim * 4));
    }

    public static StoredTemplate Read(ReadOnlySpan<byte> s, SubjectKey subject, string modelId, long version, string changeId)
    {
        if (s.Length < 18 || s[0] != Format) throw new TemplateIntegrityException($"The payload of {subject} has an unknown format.");
        var idLength = BinaryPrimitives.ReadUInt16LittleEndian(s[1..]);
        var subjectId = Encoding.UTF8.GetString(s.Slice(3, idLength));
        var p = 3 + idLength;
        var dim = BinaryPrimitives.ReadUInt16LittleEndian(s[p..]);
        p += 2;
        var vector = new float[dim];
        MemoryMarshal.Cast<byte, float>(s.Slice(p, dim * 4)).CopyTo(vector);
        p += dim * 4;
        var quality = BinaryPrimitives.ReadSingleLittleEndian(s[p..]);
        p += 4;
        var enrolledAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(s[p..]));
        p += 8;
        var galleries = new string[s[p++]];
        for (var i = 0; i < galleries.Length; i++)
        {
            var n = s[p];
            galleries[i] = Encoding.UTF8.GetString(s.Slice(p + 1, n));
            p += 1 + n;
        }

        return new StoredTemplate(subject, subjectId, vector, modelId, quality, enrolledAt, galleries, version, changeId);
    }
}
