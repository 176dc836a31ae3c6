namespace Biometrics.Redis.Protocol;

/// <summary>Pre-encoded command names and keywords (no UTF-8 encoding per call).</summary>
internal static class Cmd
{
    public static readonly RedisValue Get = "GET"u8.ToArray();
    public static readonly RedisValue Set = "SET"u8.ToArray();
    public static readonly RedisValue Ping = "PING"u8.ToArray();
    public static readonly RedisValue Del = "DEL"u8.ToArray();
    public static readonly RedisValue Exists = "EXISTS"u8.ToArray();
    public static readonly RedisValue PExpire = "PEXPIRE"u8.ToArray();
    public static readonly RedisValue PTtl = "PTTL"u8.ToArray();
    public static readonly RedisValue IncrBy = "INCRBY"u8.ToArray();
    public static readonly RedisValue Scan = "SCAN"u8.ToArray();
    public static readonly RedisValue HSet = "HSET"u8.ToArray();
    public static readonly RedisValue HGet = "HGET"u8.ToArray();
    public static readonly RedisValue HMGet = "HMGET"u8.ToArray();
    public static readonly RedisValue HGetAll = "HGETALL"u8.ToArray();
    public static readonly RedisValue HDel = "HDEL"u8.ToArray();
    public static readonly RedisValue SAdd = "SADD"u8.ToArray();
    public static readonly RedisValue SRem = "SREM"u8.ToArray();
    public static readonly RedisValue SMembers = "SMEMBERS"u8.ToArray();
    public static readonly RedisValue SIsMember = "SISMEMBER"u8.ToArray();
    public static readonly RedisValue SCard = "SCARD"u8.ToArray();
    public static readonly RedisValue SScan = "SSCAN"u8.ToArray();
    public static readonly RedisValue XAdd = "XADD"u8.ToArray();
    public static readonly RedisValue XRead = "XREAD"u8.ToArray();
    public static readonly RedisValue XRange = "XRANGE"u8.ToArray();
    public static readonly RedisValue XRevRange = "XREVRANGE"u8.ToArray();
    public static readonly RedisValue XTrim = "XTRIM"u8.ToArray();
    public static readonly RedisValue XLen = "XLEN"u8.ToArray();
    public static readonly RedisValue Wait = "WAIT"u8.ToArray();
    public static readonly RedisValue Info = "INFO"u8.ToArray();
    public static readonly RedisValue EvalSha = "EVALSHA"u8.ToArray();
    public static readonly RedisValue Eval = "EVAL"u8.ToArray();
    public static readonly RedisValue Px = "PX"u8.ToArray();
    public static readonly RedisValue Nx = "NX"u8.ToArray();
    public static readonly RedisValue Xx = "XX"u8.ToArray();
    public static readonly RedisValue Match = "MATCH"u8.ToArray();
    public static readonly RedisValue Count = "COUNT"u8.ToArray();
    public static readonly RedisValue Type = "TYPE"u8.ToArray();
    public static readonly RedisValue MaxLen = "MAXLEN"u8.ToArray();
    public static readonly RedisValue Tilde = "~"u8.ToArray();
    public static readonly RedisValue Star = "*"u8.ToArray();
    public static readonly RedisValue Block = "BLOCK"u8.ToArray();
    public static readonly RedisValue Streams = "STREAMS"u8.ToArray();
}
