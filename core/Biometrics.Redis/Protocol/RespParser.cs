using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Biometrics.Redis.Protocol;

/// <summary>
/// RESP2/RESP3 reply parser over a <see cref="ReadOnlySequence{T}"/> (written from the RESP3 specification).
/// <see cref="TrySkip"/> checks without allocating that a whole reply has arrived; <see cref="ParseReply"/>
/// then materialises it. Streamed strings and aggregates (<c>$?</c>, <c>*?</c>) are not used by Redis and are
/// rejected. Stateless and thread-safe.
/// </summary>
internal static class RespParser
{
    /// <summary>Largest bulk string accepted (Redis's own proto-max-bulk-len default).</summary>
    public const long MaxBulkLength = 512L * 1024 * 1024;

    /// <summary>Deepest nesting accepted.</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Advances past one complete reply and returns true, or returns false (position unspecified) when more
    /// bytes are needed. Throws <see cref="RedisProtocolException"/> on malformed input.
    /// </summary>
    public static bool TrySkip(ref SequenceReader<byte> reader) => TrySkip(ref reader, 0);

    private static bool TrySkip(ref SequenceReader<byte> reader, int depth)
    {
        if (depth > MaxDepth) ThrowProtocol("nesting too deep");
        if (!reader.TryRead(out var type)) return false;
        if (!reader.TryReadTo(out ReadOnlySpan<byte> line, "\r\n"u8)) return false;
        switch (type)
        {
            case (byte)'+': case (byte)'-': case (byte)':': case (byte)'_': case (byte)',': case (byte)'#': case (byte)'(':
                return true;
            case (byte)'$': case (byte)'!': case (byte)'=':
            {
                var len = ParseLength(line);
                if (len < 0) return true;
                if (reader.Remaining < len + 2) return false;
                reader.Advance(len);
                ExpectCrLf(ref reader);
                return true;
            }
            case (byte)'*': case (byte)'~': case (byte)'>': case (byte)'%': case (byte)'|':
            {
                var count = ParseLength(line);
                if (count < 0) return true;
                if (type is (byte)'%' or (byte)'|') count *= 2;
                for (long i = 0; i < count; i++)
                {
                    if (!TrySkip(ref reader, depth + 1)) return false;
                }

                // An attribute is followed by the reply it annotates.
                return type != (byte)'|' || TrySkip(ref reader, depth + 1);
            }
            default:
                ThrowProtocol($"unknown type byte 0x{type:x2}");
                return false;
        }
    }

    /// <summary>Parses one reply that <see cref="TrySkip"/> has confirmed complete. String values go into pooled leases.</summary>
    public static RespReply ParseReply(ref SequenceReader<byte> reader)
    {
        while (true)
        {
            reader.TryRead(out var type);
            reader.TryReadTo(out ReadOnlySpan<byte> line, "\r\n"u8);
            switch (type)
            {
                case (byte)'+':
                    return RespReply.FromString(RedisLease.Copy(line), simple: true);
                case (byte)'-':
                    return RespReply.FromError(Encoding.UTF8.GetString(line));
                case (byte)':':
                    return RespReply.FromInteger(ParseInteger(line));
                case (byte)'_':
                    return RespReply.Null;
                case (byte)'$':
                {
                    var len = ParseLength(line);
                    if (len < 0) return RespReply.Null;
                    var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(len, 1));
                    reader.TryCopyTo(buffer.AsSpan(0, (int)len));
                    reader.Advance(len);
                    reader.Advance(2);
                    return RespReply.FromString(new RedisLease(buffer, (int)len), simple: false);
                }
                case (byte)'!':
                {
                    var bytes = ReadBulk(ref reader, ParseLength(line));
                    return RespReply.FromError(Encoding.UTF8.GetString(bytes));
                }
                case (byte)'*': case (byte)'~': case (byte)'%':
                {
                    var count = ParseLength(line);
                    if (count < 0) return RespReply.Null;
                    return RespReply.FromResult(ParseAggregate(ref reader, type, count, 1));
                }
                case (byte)'>':
                    return RespReply.Push(ParseAggregate(ref reader, type, ParseLength(line), 1));
                case (byte)'|':
                    // Attributes carry auxiliary data about the next reply; the client does not use them.
                    ParseAggregate(ref reader, (byte)'%', ParseLength(line), 1);
                    continue;
                default:
                    return RespReply.FromResult(ParseScalar(ref reader, type, line));
            }
        }
    }

    private static RedisResult ParseResult(ref SequenceReader<byte> reader, int depth)
    {
        while (true)
        {
            reader.TryRead(out var type);
            reader.TryReadTo(out ReadOnlySpan<byte> line, "\r\n"u8);
            switch (type)
            {
                case (byte)'*': case (byte)'~': case (byte)'%': case (byte)'>':
                {
                    var count = ParseLength(line);
                    return count < 0 ? RedisResult.Null : ParseAggregate(ref reader, type, count, depth + 1);
                }
                case (byte)'|':
                    ParseAggregate(ref reader, (byte)'%', ParseLength(line), depth + 1);
                    continue;
                default:
                    return ParseScalar(ref reader, type, line);
            }
        }
    }

    private static RedisResult ParseScalar(ref SequenceReader<byte> reader, byte type, ReadOnlySpan<byte> line)
    {
        switch (type)
        {
            case (byte)'+': return RedisResult.FromBytes(RedisResultType.SimpleString, line.ToArray());
            case (byte)'-': return RedisResult.FromBytes(RedisResultType.Error, line.ToArray());
            case (byte)':': return RedisResult.FromInteger(ParseInteger(line));
            case (byte)'_': return RedisResult.Null;
            case (byte)',': return RedisResult.FromDouble(RedisResult.ParseDouble(Encoding.ASCII.GetString(line)));
            case (byte)'#':
                if (line.Length != 1 || (line[0] != (byte)'t' && line[0] != (byte)'f')) ThrowProtocol("bad boolean");
                return RedisResult.FromBoolean(line[0] == (byte)'t');
            case (byte)'(': return RedisResult.FromBytes(RedisResultType.BigNumber, line.ToArray());
            case (byte)'$':
            {
                var len = ParseLength(line);
                return len < 0 ? RedisResult.Null : RedisResult.FromBytes(RedisResultType.BulkString, ReadBulk(ref reader, len));
            }
            case (byte)'!': return RedisResult.FromBytes(RedisResultType.Error, ReadBulk(ref reader, ParseLength(line)));
            case (byte)'=':
            {
                var bytes = ReadBulk(ref reader, ParseLength(line));
                // "txt:" / "mkd:" format prefix.
                return RedisResult.FromBytes(RedisResultType.VerbatimString, bytes.Length >= 4 && bytes[3] == (byte)':' ? bytes[4..] : bytes);
            }
            default:
                ThrowProtocol($"unknown type byte 0x{type:x2}");
                return null;
        }
    }

    private static RedisResult ParseAggregate(ref SequenceReader<byte> reader, byte type, long count, int depth)
    {
        var n = type == (byte)'%' ? count * 2 : count;
        var elements = n == 0 ? [] : new RedisResult[n];
        for (long i = 0; i < n; i++)
        {
            elements[i] = ParseResult(ref reader, depth);
        }

        var kind = type switch
        {
            (byte)'%' => RedisResultType.Map,
            (byte)'~' => RedisResultType.Set,
            (byte)'>' => RedisResultType.Push,
            _ => RedisResultType.Array,
        };
        return RedisResult.FromAggregate(kind, elements);
    }

    private static byte[] ReadBulk(ref SequenceReader<byte> reader, long len)
    {
        if (len < 0) return [];
        var bytes = new byte[len];
        reader.TryCopyTo(bytes);
        reader.Advance(len + 2);
        return bytes;
    }

    private static long ParseLength(ReadOnlySpan<byte> line)
    {
        if (line.Length == 1 && line[0] == (byte)'?') ThrowProtocol("streamed strings and aggregates are not supported");
        var value = ParseInteger(line);
        if (value < -1 || value > MaxBulkLength) ThrowProtocol($"bad length {value}");
        return value;
    }

    private static long ParseInteger(ReadOnlySpan<byte> line)
    {
        if (!Utf8Parser.TryParse(line, out long value, out var consumed) || consumed != line.Length)
        {
            ThrowProtocol($"bad integer '{Encoding.ASCII.GetString(line)}'");
        }

        return value;
    }

    private static void ExpectCrLf(ref SequenceReader<byte> reader)
    {
        if (!reader.IsNext("\r\n"u8, advancePast: true)) ThrowProtocol("missing CRLF after bulk data");
    }

    [DoesNotReturn]
    private static void ThrowProtocol(string what) => throw new RedisProtocolException("RESP protocol error: " + what + ".");
}
