using System.Globalization;
using System.Text;

namespace Biometrics.Redis;

/// <summary>
/// A fully materialised reply (used by <see cref="IRedisDatabase.ExecuteAsync(string, ReadOnlySpan{RedisValue})"/>
/// and for aggregate replies). Immutable and thread-safe. RESP2 and RESP3 shapes are both represented:
/// a RESP3 map is a <see cref="RedisResultType.Map"/> whose <see cref="Elements"/> alternate key and value, so
/// code that reads a RESP2 flat array of pairs works unchanged on RESP3.
/// </summary>
public sealed class RedisResult
{
    private static readonly RedisResult[] s_empty = [];
    private readonly byte[]? _bytes;
    private readonly long _integer;
    private readonly double _double;

    internal static readonly RedisResult Null = new(RedisResultType.Null, null, 0, 0, null);

    private RedisResult(RedisResultType type, byte[]? bytes, long integer, double dbl, RedisResult[]? elements)
    {
        Type = type;
        _bytes = bytes;
        _integer = integer;
        _double = dbl;
        Elements = elements ?? s_empty;
    }

    internal static RedisResult FromBytes(RedisResultType type, byte[] bytes) => new(type, bytes, 0, 0, null);
    internal static RedisResult FromInteger(long value) => new(RedisResultType.Integer, null, value, 0, null);
    internal static RedisResult FromDouble(double value) => new(RedisResultType.Double, null, 0, value, null);
    internal static RedisResult FromBoolean(bool value) => new(RedisResultType.Boolean, null, value ? 1 : 0, 0, null);
    internal static RedisResult FromAggregate(RedisResultType type, RedisResult[] elements) => new(type, null, 0, 0, elements);

    /// <summary>The RESP type of this reply.</summary>
    public RedisResultType Type { get; }

    /// <summary>True for a null reply.</summary>
    public bool IsNull => Type == RedisResultType.Null;

    /// <summary>The elements of an array, map (key, value, ...), set or push; empty for scalars.</summary>
    public IReadOnlyList<RedisResult> Elements { get; }

    /// <summary>The raw bytes of a string-like reply (simple, bulk, verbatim, big number, error); null otherwise.</summary>
    public byte[]? AsBytes() => _bytes ?? (Type == RedisResultType.Integer ? Encoding.ASCII.GetBytes(AsString()!) : null);

    /// <summary>The reply as text: strings decoded as UTF-8, numbers formatted invariantly, null for null.</summary>
    public string? AsString() => Type switch
    {
        RedisResultType.Null => null,
        RedisResultType.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        RedisResultType.Double => _double.ToString("R", CultureInfo.InvariantCulture),
        RedisResultType.Boolean => _integer != 0 ? "1" : "0",
        RedisResultType.Array or RedisResultType.Map or RedisResultType.Set or RedisResultType.Push => null,
        _ => Encoding.UTF8.GetString(_bytes!),
    };

    /// <summary>The reply as an integer (integers, booleans, and strings holding a decimal integer).</summary>
    /// <exception cref="InvalidCastException">The reply is not an integer.</exception>
    public long AsInt64() => Type switch
    {
        RedisResultType.Integer or RedisResultType.Boolean => _integer,
        _ when _bytes is not null && long.TryParse(_bytes, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) => v,
        _ => throw new InvalidCastException($"A {Type} reply is not an integer."),
    };

    /// <summary>The reply as a double (doubles, integers, and strings holding a number).</summary>
    public double AsDouble() => Type switch
    {
        RedisResultType.Double => _double,
        RedisResultType.Integer => _integer,
        _ when _bytes is not null => ParseDouble(AsString()!),
        _ => throw new InvalidCastException($"A {Type} reply is not a number."),
    };

    /// <summary>The reply as a boolean (RESP3 booleans, integers 0/1, <c>OK</c>).</summary>
    public bool AsBoolean() => Type switch
    {
        RedisResultType.Boolean or RedisResultType.Integer => _integer != 0,
        RedisResultType.SimpleString => AsString() == "OK",
        RedisResultType.Null => false,
        _ => throw new InvalidCastException($"A {Type} reply is not a boolean."),
    };

    internal static double ParseDouble(string s) => s switch
    {
        "inf" or "+inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" => double.NaN,
        _ => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <inheritdoc />
    public override string ToString() => Type switch
    {
        RedisResultType.Array or RedisResultType.Map or RedisResultType.Set or RedisResultType.Push => $"{Type}[{Elements.Count}]",
        RedisResultType.Null => "(nil)",
        _ => AsString() ?? string.Empty,
    };
}
