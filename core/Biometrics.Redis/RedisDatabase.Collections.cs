using Biometrics.Redis.Protocol;

namespace Biometrics.Redis;

internal sealed partial class RedisDatabase
{
    public ValueTask<long> HashSetAsync(RedisValue key, params ReadOnlySpan<RedisValue> fieldValuePairs)
    {
        if (fieldValuePairs.Length == 0 || fieldValuePairs.Length % 2 != 0)
        {
            throw new ArgumentException("HSET needs field/value pairs.", nameof(fieldValuePairs));
        }

        return AsInt64(Send([Cmd.HSet, key], fieldValuePairs));
    }

    public ValueTask<byte[]?> HashGetAsync(RedisValue key, RedisValue field) => AsBytes(Route().SendAsync([Cmd.HGet, key, field]));

    public ValueTask<byte[]?[]> HashGetManyAsync(RedisValue key, params ReadOnlySpan<RedisValue> fields)
        => AsBytesArray(Send([Cmd.HMGet, key], fields));

    private static async ValueTask<byte[]?[]> AsBytesArray(ValueTask<RespReply> pending)
    {
        var result = ToResult(await pending.ConfigureAwait(false));
        var values = new byte[]?[result.Elements.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = result.Elements[i].AsBytes();
        }

        return values;
    }

    public async ValueTask<Dictionary<string, byte[]>> HashGetAllAsync(RedisValue key)
    {
        var result = ToResult(await Route().SendAsync([Cmd.HGetAll, key]).ConfigureAwait(false));
        var map = new Dictionary<string, byte[]>(result.Elements.Count / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < result.Elements.Count; i += 2)
        {
            map[result.Elements[i].AsString()!] = result.Elements[i + 1].AsBytes() ?? [];
        }

        return map;
    }

    public ValueTask<long> HashDeleteAsync(RedisValue key, params ReadOnlySpan<RedisValue> fields) => AsInt64(Send([Cmd.HDel, key], fields));

    public ValueTask<long> SetAddAsync(RedisValue key, params ReadOnlySpan<RedisValue> members) => AsInt64(Send([Cmd.SAdd, key], members));

    public ValueTask<long> SetRemoveAsync(RedisValue key, params ReadOnlySpan<RedisValue> members) => AsInt64(Send([Cmd.SRem, key], members));

    public async ValueTask<string[]> SetMembersAsync(RedisValue key)
        => ToStrings(ToResult(await Route().SendAsync([Cmd.SMembers, key]).ConfigureAwait(false)));

    public ValueTask<bool> SetContainsAsync(RedisValue key, RedisValue member) => AsBoolean(Route().SendAsync([Cmd.SIsMember, key, member]));

    public ValueTask<long> SetLengthAsync(RedisValue key) => AsInt64(Route().SendAsync([Cmd.SCard, key]));

    public ValueTask<string> StreamAddAsync(RedisValue key, ReadOnlySpan<RedisValue> fieldValues, long maxLength = 0, bool approximateTrim = true)
    {
        if (fieldValues.Length == 0 || fieldValues.Length % 2 != 0)
        {
            throw new ArgumentException("XADD needs field/value pairs.", nameof(fieldValues));
        }

        var pending = maxLength <= 0
            ? Send([Cmd.XAdd, key, Cmd.Star], fieldValues)
            : approximateTrim
                ? Send([Cmd.XAdd, key, Cmd.MaxLen, Cmd.Tilde, maxLength, Cmd.Star], fieldValues)
                : Send([Cmd.XAdd, key, Cmd.MaxLen, maxLength, Cmd.Star], fieldValues);
        return AsRequiredString(pending);
    }

    private static async ValueTask<string> AsRequiredString(ValueTask<RespReply> pending)
        => await AsString(pending).ConfigureAwait(false) ?? throw new RedisProtocolException("Expected a string reply, got null.");

    public async ValueTask<RedisStreamEntry[]> StreamReadAsync(RedisValue key, string afterId, int count, TimeSpan? block = null, CancellationToken cancellationToken = default)
    {
        ValueTask<RespReply> pending;
        if (block is { } b)
        {
            var ms = (long)b.TotalMilliseconds;
            pending = Route().SendAsync([Cmd.XRead, Cmd.Count, count, Cmd.Block, ms, Cmd.Streams, key, afterId],
                ms + (long)multiplexer.Options.CommandTimeout.TotalMilliseconds, cancellationToken);
        }
        else
        {
            pending = Route().SendAsync([Cmd.XRead, Cmd.Count, count, Cmd.Streams, key, afterId], 0, cancellationToken);
        }

        var result = ToResult(await pending.ConfigureAwait(false));
        if (result.IsNull || result.Elements.Count == 0) return [];
        // RESP3: a map {key: entries}; RESP2: an array of [key, entries].
        return result.Type == RedisResultType.Map ? ToEntries(result.Elements[1]) : ToEntries(result.Elements[0].Elements[1]);
    }

    public async ValueTask<RedisStreamEntry[]> StreamRangeAsync(RedisValue key, string start = "-", string end = "+", int count = 0, bool reverse = false)
    {
        var c = Route();
        var pending = (reverse, count > 0) switch
        {
            (false, false) => c.SendAsync([Cmd.XRange, key, start, end]),
            (false, true) => c.SendAsync([Cmd.XRange, key, start, end, Cmd.Count, count]),
            (true, false) => c.SendAsync([Cmd.XRevRange, key, end, start]),
            (true, true) => c.SendAsync([Cmd.XRevRange, key, end, start, Cmd.Count, count]),
        };
        return ToEntries(ToResult(await pending.ConfigureAwait(false)));
    }

    public ValueTask<long> StreamTrimAsync(RedisValue key, long maxLength, bool approximate = true)
        => AsInt64(approximate
            ? Route().SendAsync([Cmd.XTrim, key, Cmd.MaxLen, Cmd.Tilde, maxLength])
            : Route().SendAsync([Cmd.XTrim, key, Cmd.MaxLen, maxLength]));

    public ValueTask<long> StreamLengthAsync(RedisValue key) => AsInt64(Route().SendAsync([Cmd.XLen, key]));
}
