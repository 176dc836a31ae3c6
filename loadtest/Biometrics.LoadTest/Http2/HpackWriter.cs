using System.Text;

namespace Biometrics.LoadTest.Http2;

/// <summary>
/// Encodes the header fields this client sends (RFC 7541 sections 5 and 6): indexed static entries and literals
/// that never touch the dynamic table, so a pre-encoded block stays valid on every connection whatever the
/// peer's table size. Stateless; thread-safe.
/// </summary>
public static class HpackWriter
{
    /// <summary>Writes <paramref name="value"/> with an <paramref name="prefixBits"/>-bit prefix; <paramref name="firstByte"/> carries the representation's pattern bits. Returns the bytes written.</summary>
    public static int WriteInteger(Span<byte> destination, int value, int prefixBits, byte firstByte)
    {
        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            destination[0] = (byte)(firstByte | value);
            return 1;
        }

        destination[0] = (byte)(firstByte | max);
        value -= max;
        var n = 1;
        while (value >= 0x80)
        {
            destination[n++] = (byte)((value & 0x7F) | 0x80);
            value >>= 7;
        }

        destination[n++] = (byte)value;
        return n;
    }

    /// <summary>Writes a string literal, Huffman-coded when that is shorter. Returns the bytes written.</summary>
    public static int WriteString(Span<byte> destination, ReadOnlySpan<byte> value)
    {
        var huffman = HpackHuffman.EncodedLength(value);
        if (huffman < value.Length)
        {
            var n = WriteInteger(destination, huffman, 7, 0x80);
            return n + HpackHuffman.Encode(value, destination[n..]);
        }

        var m = WriteInteger(destination, value.Length, 7, 0x00);
        value.CopyTo(destination[m..]);
        return m + value.Length;
    }

    /// <summary>An indexed field (section 6.1) of static entry <paramref name="index"/>.</summary>
    public static void Indexed(List<byte> block, int index) => Append(block, stackalloc byte[8], d => WriteInteger(d, index, 7, 0x80));

    /// <summary>A literal field without indexing (section 6.2.2) whose name is static entry <paramref name="nameIndex"/>; <paramref name="neverIndexed"/> uses the never-indexed form (6.2.3) for secrets.</summary>
    public static void Literal(List<byte> block, int nameIndex, string value, bool neverIndexed = false)
    {
        Append(block, stackalloc byte[8], d => WriteInteger(d, nameIndex, 4, neverIndexed ? (byte)0x10 : (byte)0x00));
        AppendString(block, value);
    }

    /// <summary>A literal field without indexing with a literal name (section 6.2.2).</summary>
    public static void Literal(List<byte> block, string name, string value)
    {
        block.Add(0x00);
        AppendString(block, name);
        AppendString(block, value);
    }

    private static void AppendString(List<byte> block, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        var buffer = new byte[bytes.Length + 8];
        block.AddRange(buffer.AsSpan(0, WriteString(buffer, bytes)));
    }

    private static void Append(List<byte> block, Span<byte> scratch, SpanWriter write) => block.AddRange(scratch[..write(scratch)]);

    private delegate int SpanWriter(Span<byte> destination);
}
