using Biometrics.Redis;

namespace Biometrics.Matcher.Store;

public sealed partial class RedisTemplateStore
{
    /// <summary>
    /// Atomic batch upsert with optimistic versioning. KEYS: changes stream, gallery registry, then one template
    /// hash per item. ARGV: maxlen, gallery key prefix, n, then per item: subject key, expected current version,
    /// blob, model_id, galleries (comma-separated). Returns {per-item new version, or -(current+1) on a version
    /// conflict; the change entry id or nil when nothing was written}.
    /// </summary>
    private static readonly RedisScript s_upsertScript = new("""
        local n = tonumber(ARGV[3])
        local status = {}
        local ok = {}
        for i = 1, n do
          local o = 4 + (i - 1) * 5
          local cur = tonumber(redis.call('HGET', KEYS[2 + i], 'v') or '0')
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
        for _, i in ipairs(ok) do
          local o = 4 + (i - 1) * 5
          local key = KEYS[2 + i]
          local sk = ARGV[o]
          local old = redis.call('HGET', key, 'g')
          if old then
            for g in string.gmatch(old, '[^,]+') do redis.call('SREM', ARGV[2] .. g, sk) end
          end
          for g in string.gmatch(ARGV[o + 4], '[^,]+') do
            redis.call('SADD', ARGV[2] .. g, sk)
            redis.call('SADD', KEYS[2], g)
          end
          redis.call('HSET', key, 'c', ARGV[o + 2], 'm', ARGV[o + 3], 'v', status[i], 'g', ARGV[o + 4], 's', id)
        end
        return {status, id}
        """);

    /// <summary>Atomic delete. KEYS: changes stream, template hash. ARGV: maxlen, gallery prefix, subject key. Returns the change id or nil.</summary>
    private static readonly RedisScript s_deleteScript = new("""
        local v = redis.call('HGET', KEYS[2], 'v')
        if not v then return false end
        local old = redis.call('HGET', KEYS[2], 'g')
        if old then
          for g in string.gmatch(old, '[^,]+') do redis.call('SREM', ARGV[2] .. g, ARGV[3]) end
        end
        redis.call('DEL', KEYS[2])
        return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'op', 'd', 'sk', ARGV[3], 'v', v)
        """);
}
