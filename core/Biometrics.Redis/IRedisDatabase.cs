namespace Biometrics.Redis;

/// <summary>
/// Commands on one Redis logical database. Every method writes its command immediately (so commands issued
/// without awaiting in between are pipelined on the wire) and completes when the reply arrives. Server errors
/// throw <see cref="RedisServerException"/>; a lost or absent connection throws
/// <see cref="RedisConnectionException"/> at once; no reply within the timeout throws
/// <see cref="RedisTimeoutException"/>. Thread-safe.
/// </summary>
public interface IRedisDatabase
{
    /// <summary>Any command, e.g. <c>ExecuteAsync("CONFIG", "SET", "appendfsync", "always")</c>. Error replies throw.</summary>
    ValueTask<RedisResult> ExecuteAsync(string command, params ReadOnlySpan<RedisValue> args);

    /// <summary>Any command with its own timeout (use for blocking commands) and cancellation.</summary>
    ValueTask<RedisResult> ExecuteAsync(string command, ReadOnlySpan<RedisValue> args, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary><c>PING</c>; returns the round-trip time.</summary>
    ValueTask<TimeSpan> PingAsync();

    /// <summary><c>GET</c> into a pooled buffer (dispose the lease); null when the key does not exist.</summary>
    ValueTask<RedisLease?> StringGetLeaseAsync(RedisValue key);

    /// <summary><c>GET</c>; null when the key does not exist.</summary>
    ValueTask<byte[]?> StringGetAsync(RedisValue key);

    /// <summary><c>GET</c> decoded as UTF-8; null when the key does not exist.</summary>
    ValueTask<string?> StringGetStringAsync(RedisValue key);

    /// <summary><c>SET key value [EX/PX] [NX|XX]</c>; false when the condition prevented the write.</summary>
    ValueTask<bool> StringSetAsync(RedisValue key, RedisValue value, TimeSpan? expiry = null, SetCondition when = SetCondition.Always);

    /// <summary><c>INCRBY</c>; the new value.</summary>
    ValueTask<long> StringIncrementAsync(RedisValue key, long by = 1);

    /// <summary><c>DEL</c>; the number of keys removed.</summary>
    ValueTask<long> KeyDeleteAsync(params ReadOnlySpan<RedisValue> keys);

    /// <summary><c>EXISTS key</c>.</summary>
    ValueTask<bool> KeyExistsAsync(RedisValue key);

    /// <summary><c>PEXPIRE</c>; false if the key does not exist.</summary>
    ValueTask<bool> KeyExpireAsync(RedisValue key, TimeSpan expiry);

    /// <summary><c>PTTL</c>; null when the key does not exist or has no expiry.</summary>
    ValueTask<TimeSpan?> KeyTimeToLiveAsync(RedisValue key);

    /// <summary><c>SCAN cursor [MATCH] [COUNT] [TYPE]</c>; iterate until <see cref="RedisScanPage.Cursor"/> is 0.</summary>
    ValueTask<RedisScanPage> ScanAsync(long cursor, string? pattern = null, int count = 0, string? type = null);

    /// <summary><c>HSET key field value [field value ...]</c>; the number of fields added.</summary>
    ValueTask<long> HashSetAsync(RedisValue key, params ReadOnlySpan<RedisValue> fieldValuePairs);

    /// <summary><c>HGET</c>; null when absent.</summary>
    ValueTask<byte[]?> HashGetAsync(RedisValue key, RedisValue field);

    /// <summary><c>HMGET</c>; one entry per field, null where absent.</summary>
    ValueTask<byte[]?[]> HashGetManyAsync(RedisValue key, params ReadOnlySpan<RedisValue> fields);

    /// <summary><c>HGETALL</c> (RESP2 flat array or RESP3 map); empty when the key does not exist.</summary>
    ValueTask<Dictionary<string, byte[]>> HashGetAllAsync(RedisValue key);

    /// <summary><c>HDEL</c>; the number of fields removed.</summary>
    ValueTask<long> HashDeleteAsync(RedisValue key, params ReadOnlySpan<RedisValue> fields);

    /// <summary><c>SADD</c>; the number of members added.</summary>
    ValueTask<long> SetAddAsync(RedisValue key, params ReadOnlySpan<RedisValue> members);

    /// <summary><c>SREM</c>; the number of members removed.</summary>
    ValueTask<long> SetRemoveAsync(RedisValue key, params ReadOnlySpan<RedisValue> members);

    /// <summary><c>SMEMBERS</c> decoded as UTF-8.</summary>
    ValueTask<string[]> SetMembersAsync(RedisValue key);

    /// <summary><c>SISMEMBER</c>.</summary>
    ValueTask<bool> SetContainsAsync(RedisValue key, RedisValue member);

    /// <summary><c>SCARD</c>.</summary>
    ValueTask<long> SetLengthAsync(RedisValue key);

    /// <summary><c>SSCAN key cursor [MATCH] [COUNT]</c>.</summary>
    ValueTask<RedisScanPage> SetScanAsync(RedisValue key, long cursor, string? pattern = null, int count = 0);

    /// <summary>
    /// <c>XADD key [MAXLEN [~] n] * field value ...</c>; returns the new entry id. <paramref name="maxLength"/> 0
    /// means no trimming; <paramref name="approximateTrim"/> uses <c>~</c> (cheap, trims whole nodes).
    /// </summary>
    ValueTask<string> StreamAddAsync(RedisValue key, ReadOnlySpan<RedisValue> fieldValues, long maxLength = 0, bool approximateTrim = true);

    /// <summary>
    /// <c>XREAD COUNT n [BLOCK ms] STREAMS key afterId</c>: entries strictly after <paramref name="afterId"/>
    /// (<c>"0"</c> for all, <c>"$"</c> for only new ones when blocking). Empty when nothing arrived. A blocking read
    /// holds the connection: use <see cref="IRedisConnection.ConnectDedicatedAsync"/> for it.
    /// </summary>
    ValueTask<RedisStreamEntry[]> StreamReadAsync(RedisValue key, string afterId, int count, TimeSpan? block = null, CancellationToken cancellationToken = default);

    /// <summary><c>XRANGE key start end [COUNT n]</c> (or <c>XREVRANGE key end start</c> when <paramref name="reverse"/>).</summary>
    ValueTask<RedisStreamEntry[]> StreamRangeAsync(RedisValue key, string start = "-", string end = "+", int count = 0, bool reverse = false);

    /// <summary><c>XTRIM key MAXLEN [~] n</c>; the number of entries removed.</summary>
    ValueTask<long> StreamTrimAsync(RedisValue key, long maxLength, bool approximate = true);

    /// <summary><c>XLEN</c>.</summary>
    ValueTask<long> StreamLengthAsync(RedisValue key);

    /// <summary>
    /// <c>WAIT replicas timeout</c>: blocks until the writes this connection made before it reached
    /// <paramref name="replicas"/> replicas or the timeout passed; returns how many replicas acknowledged.
    /// </summary>
    ValueTask<long> WaitAsync(int replicas, TimeSpan timeout);

    /// <summary><c>INFO [section]</c> as text.</summary>
    ValueTask<string> InfoAsync(string? section = null);

    /// <summary><c>EVALSHA</c>, falling back to <c>EVAL</c> when the server does not have the script cached (e.g. after a restart).</summary>
    ValueTask<RedisResult> ScriptEvaluateAsync(RedisScript script, ReadOnlySpan<RedisValue> keys, ReadOnlySpan<RedisValue> args);
}
