using System.Runtime.CompilerServices;
using System.Text;
using Biometrics.Redis.Protocol;

namespace Biometrics.Redis;

internal sealed partial class RedisDatabase
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<RedisLease?> AsLease(ValueTask<RespReply> pending)
    {
        var reply = await pending.ConfigureAwait(false);
        switch (reply.Kind)
        {
            case RespReplyKind.Null: return null;
            case RespReplyKind.BulkString:
            case RespReplyKind.SimpleString: return reply.Lease;
            case RespReplyKind.Error: RespReply.ThrowServer(reply.Error!); return null;
            default:
                var result = reply.ToResult();
                return result.AsBytes() is { } bytes ? RedisLease.Copy(bytes) : null;
        }
    }

    private static async ValueTask<byte[]?> AsBytes(ValueTask<RespReply> pending) => ToBytes(await pending.ConfigureAwait(false));

    private static async ValueTask<string?> AsString(ValueTask<RespReply> pending)
    {
        var reply = await pending.ConfigureAwait(false);
        if (reply.Kind is RespReplyKind.BulkString or RespReplyKind.SimpleString)
        {
            using var lease = reply.Lease!;
            return Encoding.UTF8.GetString(lease.Span);
        }

        return ToResult(reply).AsString();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<long> AsInt64(ValueTask<RespReply> pending)
    {
        var reply = await pending.ConfigureAwait(false);
        return reply.Kind == RespReplyKind.Integer ? reply.Integer : ToResult(reply).AsInt64();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> AsBoolean(ValueTask<RespReply> pending)
    {
        var reply = await pending.ConfigureAwait(false);
        switch (reply.Kind)
        {
            case RespReplyKind.Integer: return reply.Integer != 0;
            case RespReplyKind.Null: return false;
            case RespReplyKind.SimpleString:
            case RespReplyKind.BulkString:
                using (var lease = reply.Lease!)
                {
                    return lease.Span.SequenceEqual("OK"u8);
                }

            default: return ToResult(reply).AsBoolean();
        }
    }

    private static async ValueTask<RedisResult> AsResult(ValueTask<RespReply> pending) => ToResult(await pending.ConfigureAwait(false));

    private static RedisResult ToResult(in RespReply reply)
    {
        reply.ThrowIfError();
        return reply.ToResult();
    }

    private static byte[]? ToBytes(in RespReply reply)
    {
        switch (reply.Kind)
        {
            case RespReplyKind.Null: return null;
            case RespReplyKind.BulkString:
            case RespReplyKind.SimpleString:
                using (var lease = reply.Lease!)
                {
                    return lease.ToArray();
                }

            default: return ToResult(reply).AsBytes();
        }
    }

    private static string[] ToStrings(RedisResult result)
    {
        var elements = result.Elements;
        var items = new string[elements.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = elements[i].AsString() ?? string.Empty;
        }

        return items;
    }

    private static RedisStreamEntry[] ToEntries(RedisResult entries)
    {
        if (entries.IsNull) return [];
        var list = entries.Elements;
        var result = new RedisStreamEntry[list.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var entry = list[i].Elements;
            var id = entry[0].AsString()!;
            var raw = entry.Count > 1 ? entry[1].Elements : [];
            var fields = new KeyValuePair<string, byte[]>[raw.Count / 2];
            for (var f = 0; f < fields.Length; f++)
            {
                fields[f] = new(raw[2 * f].AsString()!, raw[(2 * f) + 1].AsBytes() ?? []);
            }

            result[i] = new RedisStreamEntry(id, fields);
        }

        return result;
    }
}
