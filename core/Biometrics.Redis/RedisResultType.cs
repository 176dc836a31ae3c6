namespace Biometrics.Redis;

/// <summary>The RESP type of a reply element.</summary>
public enum RedisResultType
{
    /// <summary><c>+</c> simple string.</summary>
    SimpleString,
    /// <summary><c>-</c> or <c>!</c> error.</summary>
    Error,
    /// <summary><c>:</c> integer.</summary>
    Integer,
    /// <summary><c>$</c> bulk string.</summary>
    BulkString,
    /// <summary><c>*</c> array.</summary>
    Array,
    /// <summary>RESP2 null bulk/array or RESP3 <c>_</c>.</summary>
    Null,
    /// <summary>RESP3 <c>,</c> double.</summary>
    Double,
    /// <summary>RESP3 <c>#</c> boolean.</summary>
    Boolean,
    /// <summary>RESP3 <c>(</c> big number (kept as its decimal text).</summary>
    BigNumber,
    /// <summary>RESP3 <c>=</c> verbatim string (the 3-letter format prefix is removed).</summary>
    VerbatimString,
    /// <summary>RESP3 <c>%</c> map; <see cref="RedisResult.Elements"/> holds key, value, key, value...</summary>
    Map,
    /// <summary>RESP3 <c>~</c> set.</summary>
    Set,
    /// <summary>RESP3 <c>&gt;</c> push (out-of-band; never the reply to a command).</summary>
    Push,
}
