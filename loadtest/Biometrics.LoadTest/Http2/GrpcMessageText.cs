using System.Text;

namespace Biometrics.LoadTest.Http2;

/// <summary>Decodes <c>grpc-message</c> (percent-encoded UTF-8, gRPC PROTOCOL-HTTP2). Stateless; thread-safe.</summary>
public static class GrpcMessageText
{
    /// <summary>The text of a <c>grpc-message</c> value; malformed escapes are kept as they are.</summary>
    public static string Decode(ReadOnlySpan<byte> value)
    {
        if (value.IndexOf((byte)'%') < 0)
        {
            return Encoding.UTF8.GetString(value);
        }

        var bytes = new byte[value.Length];
        var n = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && Hex(value[i + 1]) is var hi and >= 0 && Hex(value[i + 2]) is var lo and >= 0)
            {
                bytes[n++] = (byte)((hi << 4) | lo);
                i += 2;
            }
            else
            {
                bytes[n++] = value[i];
            }
        }

        return Encoding.UTF8.GetString(bytes, 0, n);
    }

    private static int Hex(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
