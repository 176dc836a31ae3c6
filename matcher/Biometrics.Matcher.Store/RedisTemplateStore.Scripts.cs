namespace Biometrics.Matcher.Store;

public sealed partial class RedisTemplateStore
{
    // Every script touches the keys of one shard only (one hash tag, so one cluster hash slot): the gallery sets it
    // derives from ARGV[2] carry the same tag as its KEYS. StackExchange.Redis sends EVALSHA and falls back to EVAL.

    /// <summary>
    /// Atomic batch upsert, within one shard, with optimistic versioning. KEYS: the shard's change stream, the shard's
    /// gallery registry, then one template hash per item, then one snapshot bucket per item. ARGV: maxlen, the shard's
    /// gallery key prefix, n, notification channel, shard number, then per item: subject key, expected current
    /// version, blob, model_id, galleries (comma-separated). Returns {per-item new version, or -(current+1) on a
    /// version conflict; the change entry id or nil when nothing was written}. The bucket copy is
    /// <c>version:changeId:modelLength:model</c> followed by the blob (see <see cref="ParseBucket"/>). Publishes the
    /// shard number on the channel so followers wake up.
    /// </summary>
    private const string s_upsertScript = """
        local n = tonumber(ARGV[3])
        local status = {}
        local ok = {}
        local old = {}
        for i = 1, n do
          local o = 6 + (i - 1) * 5
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
        for _, i in ipairs(ok) do sks[#sks + 1] = ARGV[6 + (i - 1) * 5] end
        local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'op', 'u', 'sk', table.concat(sks, ','))
        local registered = {}
        for _, i in ipairs(ok) do
          local o = 6 + (i - 1) * 5
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
        redis.call('PUBLISH', ARGV[4], ARGV[5])
        return {status, id}
        """;

    /// <summary>
    /// Atomic delete within one shard. KEYS: the shard's change stream, template hash, snapshot bucket. ARGV: maxlen,
    /// the shard's gallery prefix, subject key, notification channel, shard number. Returns the change id or nil.
    /// </summary>
    private const string s_deleteScript = """
        local v = redis.call('HGET', KEYS[2], 'v')
        if not v then return false end
        local old = redis.call('HGET', KEYS[2], 'g')
        if old then
          for g in string.gmatch(old, '[^,]+') do redis.call('SREM', ARGV[2] .. g, ARGV[3]) end
        end
        redis.call('DEL', KEYS[2])
        redis.call('HDEL', KEYS[3], ARGV[3])
        local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'op', 'd', 'sk', ARGV[3], 'v', v)
        redis.call('PUBLISH', ARGV[4], ARGV[5])
        return id
        """;

    /// <summary>Current versions (0 when absent) of the template hashes in KEYS (one shard), in one round trip.</summary>
    private const string s_versionsScript = """
        local r = {}
        for i = 1, #KEYS do r[i] = tonumber(redis.call('HGET', KEYS[i], 'v') or '0') end
        return r
        """;

    /// <summary>Copies one record into its snapshot bucket, atomically. KEYS: template hash, bucket. ARGV: subject key. Returns 1, or 0 when the record is gone.</summary>
    private const string s_rebuildBucketScript = """
        local r = redis.call('HMGET', KEYS[1], 'v', 's', 'm', 'c')
        if not r[1] or not r[2] or not r[3] or not r[4] then return 0 end
        redis.call('HSET', KEYS[2], ARGV[1], r[1] .. ':' .. r[2] .. ':' .. #r[3] .. ':' .. r[3] .. r[4])
        return 1
        """;

    /// <summary>
    /// Reserves a request record, or takes over a reservation whose lease has passed. KEYS: the record. ARGV: this
    /// attempt's reservation (<c>P</c> + subject key + attempt id), its lease and the record's life, ms. The lease's end is
    /// kept after an <c>@</c>, in ms of the server's own clock (<c>TIME</c>: the matchers' clocks may disagree; Redis 7
    /// replicates a script's effects, so the non-deterministic command is allowed). Returns {1} reserved, {2} taken over from
    /// an attempt at the same subject whose lease had passed, or {0, the value there, ms of its lease left or -1}. A
    /// reservation without a lease end (written before it was kept) is never taken over: it lapses.
    /// </summary>
    private const string s_reserveRequestScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local v = redis.call('GET', KEYS[1])
        local state = 1
        if v then
          if string.sub(v, 1, 65) ~= string.sub(ARGV[1], 1, 65) then return {0, v, -1} end
          local at = string.find(v, '@', 66, true)
          local ends = at and tonumber(string.sub(v, at + 1))
          if not ends then return {0, v, -1} end
          if ends > now then return {0, v, ends - now} end
          state = 2
        end
        redis.call('SET', KEYS[1], ARGV[1] .. '@' .. string.format('%d', now + tonumber(ARGV[2])), 'PX', ARGV[3])
        return {state}
        """;

    /// <summary>Replaces this attempt's reservation by a result. KEYS: the record. ARGV: the reservation (without its lease), the result value, TTL in ms. Returns 1, or 0 when the reservation is not this attempt's.</summary>
    private const string s_completeRequestScript = """
        local v = redis.call('GET', KEYS[1])
        if not v or string.sub(v, 1, #ARGV[1] + 1) ~= ARGV[1] .. '@' then return 0 end
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        return 1
        """;

    /// <summary>Drops this attempt's reservation. KEYS: the record. ARGV: the reservation (without its lease). Returns 1, or 0 when it is not this attempt's.</summary>
    private const string s_releaseRequestScript = """
        local v = redis.call('GET', KEYS[1])
        if not v or string.sub(v, 1, #ARGV[1] + 1) ~= ARGV[1] .. '@' then return 0 end
        return redis.call('DEL', KEYS[1])
        """;
}
