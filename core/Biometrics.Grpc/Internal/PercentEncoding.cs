using System.Buffers;
using System.Text;

namespace Biometrics.Grpc.Internal;

/// <summary>The percent-encoding of <c>grpc-message</c>: UTF-8 bytes outside printable ASCII, and '%', become %XX.</summary>
internal static class PercentEncoding
{
    private const string Hex = "0123456789ABCDEF";

    public static string Encode(string value)
    {
        var needs = false;
        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or '%') { needs = true; break; }
        }
        if (!needs) return value;
        var bytes = Encoding.UTF8.GetBytes(value);
        var sb = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is < 0x20 or > 0x7E or (byte)'%')
            {
                sb.Append('%').Append(Hex[b >> 4]).Append(Hex[b & 0xF]);
            }
            else
            {
                sb.Append((char)b);
            }
        }
        return sb.ToString();
    }

    public static string Decode(string value)
    {
        if (!value.Contains('%')) return value;
        var rented = ArrayPool<byte>.Shared.Rent(value.Length);
        try
        {
            var n = 0;
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (c == '%' && i + 2 < value.Length && TryHex(value[i + 1], out var hi) && TryHex(value[i + 2], out var lo))
                {
                    rented[n++] = (byte)((hi << 4) | lo);
                    i += 2;
                }
                else
                {
                    // Not a valid escape: keep the character as it is (the spec asks decoders to be lenient).
                    rented[n++] = c <= 0x7F ? (byte)c : (byte)'?';
                }
            }
            return Encoding.UTF8.GetString(rented, 0, n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool TryHex(char c, out int value)
    {
        value = c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'A' and <= 'F' => c - 'A' + 10,
            >= 'a' and <= 'f' => c - 'a' + 10,
            _ => -1,
        };
        return value >= 0;
    }
}
