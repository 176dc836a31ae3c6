using System.Buffers;
using System.Diagnostics;
using Biometrics.Redis.Connection;
using Biometrics.Redis.Protocol;

namespace Biometrics.Redis;

/// <summary>The <see cref="IRedisDatabase"/> of a <see cref="RedisConnectionMultiplexer"/>. Stateless; thread-safe.</summary>
internal sealed partial class RedisDatabase(RedisConnectionMultiplexer multiplexer) : IRedisDatabase
{
    private PhysicalConnection Route() => multiplexer.Route();

    /// <summary>Sends <c>prefix... rest...</c> through a pooled argument array (the command is written before this returns).</summary>
    private ValueTask<RespReply> Send(scoped ReadOnlySpan<RedisValue> prefix, scoped ReadOnlySpan<RedisValue> rest, long timeoutMs = 0, CancellationToken cancellationToken = default)
    {
        var n = prefix.Length + rest.Length;
        var parts = ArrayPool<RedisValue>.Shared.Rent(n);
        try
        {
            prefix.CopyTo(parts);
            rest.CopyTo(parts.AsSpan(prefix.Length));
            return Route().SendAsync(parts.AsSpan(0, n), timeoutMs, cancellationToken);
        }
        finally
        {
            parts.AsSpan(0, n).Clear();
            ArrayPool<RedisValue>.Shared.Return(parts);
        }
    }

    public ValueTask<RedisResult> ExecuteAsync(string command, params ReadOnlySpan<RedisValue> args)
        => AsResult(Send([command], args));

    public ValueTask<RedisResult> ExecuteAsync(string command, ReadOnlySpan<RedisValue> args, TimeSpan timeout, CancellationToken cancellationToken = default)
        => AsResult(Send([command], args, (long)timeout.TotalMilliseconds, cancellationToken));

    public async ValueTask<TimeSpan> PingAsync()
    {
        var start = Stopwatch.GetTimestamp();
        var reply = await Route().SendAsync([Cmd.Ping]).ConfigureAwait(false);
        reply.ThrowIfError();
        reply.Release();
        return Stopwatch.GetElapsedTime(start);
    }

    public ValueTask<RedisLease?> StringGetLeaseAsync(RedisValue key) => AsLease(Route().SendAsync([Cmd.Get, key]));

    public ValueTask<byte[]?> StringGetAsync(RedisValue key) => AsBytes(Route().SendAsync([Cmd.Get, key]));

    public ValueTask<string?> StringGetStringAsync(RedisValue key) => AsString(Route().SendAsync([Cmd.Get, key]));

    public ValueTask<bool> StringSetAsync(RedisValue key, RedisValue value, TimeSpan? expiry = null, SetCondition when = SetCondition.Always)
    {
        var c = Route();
        var condition = when == SetCondition.IfNotExists ? Cmd.Nx : Cmd.Xx;
        if (expiry is { } ttl)
        {
            var ms = Math.Max(1, (long)ttl.TotalMilliseconds);
            return when == SetCondition.Always
                ? AsBoolean(c.SendAsync([Cmd.Set, key, value, Cmd.Px, ms]))
                : AsBoolean(c.SendAsync([Cmd.Set, key, value, Cmd.Px, ms, condition]));
        }

        return when == SetCondition.Always
            ? AsBoolean(c.SendAsync([Cmd.Set, key, value]))
            : AsBoolean(c.SendAsync([Cmd.Set, key, value, condition]));
    }

    public ValueTask<long> StringIncrementAsync(RedisValue key, long by = 1) => AsInt64(Route().SendAsync([Cmd.IncrBy, key, by]));

    public ValueTask<long> KeyDeleteAsync(params ReadOnlySpan<RedisValue> keys) => AsInt64(Send([Cmd.Del], keys));

    public ValueTask<bool> KeyExistsAsync(RedisValue key) => AsBoolean(Route().SendAsync([Cmd.Exists, key]));

    public ValueTask<bool> KeyExpireAsync(RedisValue key, TimeSpan expiry)
        => AsBoolean(Route().SendAsync([Cmd.PExpire, key, Math.Max(1, (long)expiry.TotalMilliseconds)]));

    public async ValueTask<TimeSpan?> KeyTimeToLiveAsync(RedisValue key)
    {
        var ms = await AsInt64(Route().SendAsync([Cmd.PTtl, key])).ConfigureAwait(false);
        return ms < 0 ? null : TimeSpan.FromMilliseconds(ms);
    }

    public ValueTask<RedisScanPage> ScanAsync(long cursor, string? pattern = null, int count = 0, string? type = null)
    {
        Span<RedisValue> parts = new RedisValue[8];
        var n = 0;
        parts[n++] = Cmd.Scan;
        parts[n++] = cursor;
        if (pattern is not null) { parts[n++] = Cmd.Match; parts[n++] = pattern; }
        if (count > 0) { parts[n++] = Cmd.Count; parts[n++] = count; }
        if (type is not null) { parts[n++] = Cmd.Type; parts[n++] = type; }
        return AsScanPage(Route().SendAsync(parts[..n]));
    }

    public ValueTask<RedisScanPage> SetScanAsync(RedisValue key, long cursor, string? pattern = null, int count = 0)
    {
        Span<RedisValue> parts = new RedisValue[7];
        var n = 0;
        parts[n++] = Cmd.SScan;
        parts[n++] = key;
        parts[n++] = cursor;
        if (pattern is not null) { parts[n++] = Cmd.Match; parts[n++] = pattern; }
        if (count > 0) { parts[n++] = Cmd.Count; parts[n++] = count; }
        return AsScanPage(Route().SendAsync(parts[..n]));
    }

    private static async ValueTask<RedisScanPage> AsScanPage(ValueTask<RespReply> pending)
    {
        var result = ToResult(await pending.ConfigureAwait(false));
        return new RedisScanPage(result.Elements[0].AsInt64(), ToStrings(result.Elements[1]));
    }

    public ValueTask<long> WaitAsync(int replicas, TimeSpan timeout)
    {
        var ms = (long)timeout.TotalMilliseconds;
        // The server blocks for up to the WAIT timeout; allow that plus the normal command timeout.
        return AsInt64(Route().SendAsync([Cmd.Wait, replicas, ms], ms + (long)multiplexer.Options.CommandTimeout.TotalMilliseconds));
    }

    public async ValueTask<string> InfoAsync(string? section = null)
    {
        var pending = section is null ? Route().SendAsync([Cmd.Info]) : Route().SendAsync([Cmd.Info, section]);
        return await AsString(pending).ConfigureAwait(false) ?? string.Empty;
    }

    public ValueTask<RedisResult> ScriptEvaluateAsync(RedisScript script, ReadOnlySpan<RedisValue> keys, ReadOnlySpan<RedisValue> args)
    {
        // Keep a copy of the arguments: a NOSCRIPT reply means sending them again with EVAL.
        var n = 3 + keys.Length + args.Length;
        var parts = new RedisValue[n];
        parts[0] = Cmd.EvalSha;
        parts[1] = script.Sha1;
        parts[2] = keys.Length;
        keys.CopyTo(parts.AsSpan(3));
        args.CopyTo(parts.AsSpan(3 + keys.Length));
        return EvaluateCore(Route().SendAsync(parts), script, parts);
    }

    private async ValueTask<RedisResult> EvaluateCore(ValueTask<RespReply> pending, RedisScript script, RedisValue[] parts)
    {
        var reply = await pending.ConfigureAwait(false);
        if (reply.Kind == RespReplyKind.Error && reply.Error!.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            parts[0] = Cmd.Eval;
            parts[1] = script.Text;
            reply = await Route().SendAsync(parts).ConfigureAwait(false);
        }

        return ToResult(reply);
    }
}
