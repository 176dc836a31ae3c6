using Biometrics.Redis;

namespace Biometrics.Matcher.Store;

public sealed partial class RedisTemplateStore
{
    /// <summary>
    /// Atomic batch upsert with optimistic versioning. KEYS: changes stream, gallery registry, then one template
    /// hash per item, then one snapshot bucket per item. ARGV: maxlen, gallery key prefix, n, then per item: subject
    /// key, expected current version, blob, model_id, galleries (comma-separated). Returns {per-item new version, or
    /// -(current+1) on a version conflict; the change entry id or nil when nothing was written}. The bucket copy is
    /// <c>version:changeId:modelLength:model</c> followed by the blob (see <see cref="ParseBucket"/>).
    /// </summary>
    private static readonly RedisScript s_upsertScript = new("""
        local n = tonumber(ARGV[3])
        local status = {}
        local ok = {}
        local old = {}
        for i = 1, n do
          local o = 4 + (i - 1) * 5
          local vg = redis.call('HMGET', KEYS[2 + i], 'v', 'g')
          local cur = tonumber(vg[1] or '0')
          old[i] = vg[2]
          if cur == tonumber(ARGV[o + 1]) then
            ok[#ok + 1] = i
            status[i] = cur + 1
          else
            status[i] = -(cur + 1)
          end
        end
        if #ok == 0 then return {status, false} end
        local sks = {}
        for _, i in ipairs(ok) do sks[#sks + 1] = ARGV[4 + (i - 1) * 5] end
        local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'op', 'u', 'sk', table.concat(sks, ','))
        local registered = {}
        for _, i in ipairs(ok) do
          local o = 4 + (i - 1) * 5
          local key = KEYS[2 + i]
          local sk = ARGV[o]
          if old[i] then
            for g in string.gmatch(old[i], '[^,]+') do redis.call('SREM', ARGV[2] .. g, sk) end
          end
          for g in string.gmatch(ARGV[o + 4], '[^,]+') do
            redis.call('SADD', ARGV[2] .. g, sk)
            if not registered[g] then
              redis.call('SADD', KEYS[2], g)
              registered[g] = true
            end
          end
          local model = ARGV[o + 3]
          redis.call('HSET', key, 'c', ARGV[o + 2], 'm', model, 'v', status[i], 'g', ARGV[o + 4], 's', id)
          redis.call('HSET', KEYS[2 + n + i], sk, status[i] .. ':' .. id .. ':' .. #model .. ':' .. model .. ARGV[o + 2])
        end
        return {status, id}
        """);

    /// <summary>Atomic delete. KEYS: changes stream, template hash, snapshot bucket. ARGV: maxlen, gallery prefix, subject key. Returns the change id or nil.</summary>
    private static readonly RedisScript s_deleteScript = new("""
        local v = redis.call('HGET', KEYS[2], 'v')
        if not v then return false end
        local old = redis.call('HGET', KEYS[2], 'g')
        if old then
          for g in string.gmatch(old, '[^,]+') do redis.call('SREM', ARGV[2] .. g, ARGV[3]) end
        end
        redis.call('DEL', KEYS[2])
        redis.call('HDEL', KEYS[3], ARGV[3])
        return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'op', 'd', 'sk', ARGV[3], 'v', v)
        """);

    /// <summary>Current versions (0 when absent) of the template hashes in KEYS, in one round trip.</summary>
    private static readonly RedisScript s_versionsScript = new("""
        local r = {}
        for i = 1, #KEYS do r[i] = tonumber(redis.call('HGET', KEYS[i], 'v') or '0') end
        return r
        """);

    /// <summary>Copies one record into its snapshot bucket, atomically. KEYS: template hash, bucket. ARGV: subject key. Returns 1, or 0 when the record is gone.</summary>
    private static readonly RedisScript s_rebuildBucketScript = new("""
        local r = redis.call('HMGET', KEYS[1], 'v', 's', 'm', 'c')
        if not r[1] or not r[2] or not r[3] or not r[4] then return 0 end
        redis.call('HSET', KEYS[2], ARGV[1], r[1] .. ':' .. r[2] .. ':' .. #r[3] .. ':' .. r[3] .. r[4])
        return 1
        """);

    /// <summary>Replaces a reservation by a result. KEYS: the record. ARGV: the reservation value, the result value, TTL in ms. Returns 1, or 0 when the reservation is not there.</summary>
    private static readonly RedisScript s_completeRequestScript = new("""
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        return 1
        """);

    /// <summary>Drops a reservation. KEYS: the record. ARGV: the reservation value. Returns 1, or 0 when it is not there.</summary>
    private static readonly RedisScript s_releaseRequestScript = new("""
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        return redis.call('DEL', KEYS[1])
        """);
}
