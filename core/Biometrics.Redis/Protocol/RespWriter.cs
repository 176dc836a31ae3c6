using System.Buffers;
using System.Buffers.Text;

namespace Biometrics.Redis.Protocol;

/// <summary>Writes commands as RESP arrays of bulk strings (the request form every Redis version accepts).</summary>
internal static class RespWriter
{
    /// <summary>Writes <c>*N</c> followed by one bulk string per part. The first part is the command name.</summary>
    public static void WriteCommand(IBufferWriter<byte> writer, scoped ReadOnlySpan<RedisValue> parts)
    {
        WriteHeader(writer, (byte)'*', parts.Length);
        foreach (ref readonly var part in parts)
        {
            WriteBulk(writer, in part);
        }
    }

    /// <summary>Writes one bulk string.</summary>
    public static void WriteBulk(IBufferWriter<byte> writer, in RedisValue value)
    {
        var len = value.GetByteCount();
        // "$" + up to 10 digits + CRLF + payload + CRLF
        var span = writer.GetSpan(len + 16);
        span[0] = (byte)'$';
        Utf8Formatter.TryFormat(len, span[1..], out var n);
        var pos = n + 1;
        span[pos++] = (byte)'\r';
        span[pos++] = (byte)'\n';
        pos += value.CopyTo(span[pos..]);
        span[pos++] = (byte)'\r';
        span[pos++] = (byte)'\n';
        writer.Advance(pos);
    }

    private static void WriteHeader(IBufferWriter<byte> writer, byte type, int count)
    {
        var span = writer.GetSpan(16);
        span[0] = type;
        Utf8Formatter.TryFormat(count, span[1..], out var n);
        span[n + 1] = (byte)'\r';
        span[n + 2] = (byte)'\n';
        writer.Advance(n + 3);
    }
}
