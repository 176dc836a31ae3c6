using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Biometrics.Redis.Protocol;

/// <summary>
/// One top-level reply as the reader loop hands it to a waiting command. Scalars stay unboxed; string values
/// are held in a pooled <see cref="RedisLease"/> (the receiver owns and disposes it); aggregates and RESP3
/// scalars are a <see cref="RedisResult"/>.
/// </summary>
internal readonly struct RespReply
{
    public readonly RespReplyKind Kind;
    public readonly long Integer;
    public readonly RedisLease? Lease;
    public readonly RedisResult? Result;
    public readonly string? Error;

    private RespReply(RespReplyKind kind, long integer, RedisLease? lease, RedisResult? result, string? error)
    {
        Kind = kind;
        Integer = integer;
        Lease = lease;
        Result = result;
        Error = error;
    }

    public static RespReply Null => new(RespReplyKind.Null, 0, null, null, null);
    public static RespReply FromInteger(long value) => new(RespReplyKind.Integer, value, null, null, null);
    public static RespReply FromString(RedisLease lease, bool simple) => new(simple ? RespReplyKind.SimpleString : RespReplyKind.BulkString, 0, lease, null, null);
    public static RespReply FromError(string message) => new(RespReplyKind.Error, 0, null, null, message);
    public static RespReply FromResult(RedisResult result) => new(RespReplyKind.Other, 0, null, result, null);
    public static RespReply Push(RedisResult result) => new(RespReplyKind.Push, 0, null, result, null);

    /// <summary>Releases a pooled buffer, if any (for replies nobody will read).</summary>
    public void Release() => Lease?.Dispose();

    /// <summary>Throws <see cref="RedisServerException"/> for an error reply.</summary>
    public void ThrowIfError()
    {
        if (Kind == RespReplyKind.Error)
        {
            ThrowServer(Error!);
        }
    }

    [DoesNotReturn]
    public static void ThrowServer(string message) => throw new RedisServerException(message);

    [DoesNotReturn]
    public void ThrowUnexpected(string command)
    {
        Release();
        throw new RedisProtocolException($"Unexpected {Kind} reply to {command}.");
    }

    /// <summary>Converts to a materialised <see cref="RedisResult"/> (copies and releases a lease).</summary>
    public RedisResult ToResult()
    {
        switch (Kind)
        {
            case RespReplyKind.Null: return RedisResult.Null;
            case RespReplyKind.Integer: return RedisResult.FromInteger(Integer);
            case RespReplyKind.SimpleString:
            case RespReplyKind.BulkString:
                var bytes = Lease!.ToArray();
                Lease.Dispose();
                return RedisResult.FromBytes(Kind == RespReplyKind.SimpleString ? RedisResultType.SimpleString : RedisResultType.BulkString, bytes);
            case RespReplyKind.Error: return RedisResult.FromBytes(RedisResultType.Error, Encoding.UTF8.GetBytes(Error!));
            default: return Result!;
        }
    }
}
