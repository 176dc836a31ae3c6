using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Biometrics.Redis;

/// <summary>
/// One argument of a command: a string (sent as UTF-8), bytes, or a number (sent as its decimal text).
/// Converts implicitly from <see cref="string"/>, <see cref="byte"/>[], <see cref="ReadOnlyMemory{T}"/>,
/// <see cref="long"/>, <see cref="int"/> and <see cref="double"/>; it never copies the payload.
/// </summary>
public readonly struct RedisValue
{
    private enum Kind : byte { Null, String, Memory, Int64, Double }

    private readonly object? _obj;
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly long _int;
    private readonly double _double;
    private readonly Kind _kind;

    private RedisValue(string value) { _obj = value; _kind = Kind.String; _memory = default; _int = 0; _double = 0; }
    private RedisValue(ReadOnlyMemory<byte> value) { _memory = value; _kind = Kind.Memory; _obj = null; _int = 0; _double = 0; }
    private RedisValue(long value) { _int = value; _kind = Kind.Int64; _obj = null; _memory = default; _double = 0; }
    private RedisValue(double value) { _double = value; _kind = Kind.Double; _obj = null; _memory = default; _int = 0; }

    /// <summary>True for the default value (sent as an empty string).</summary>
    public bool IsNull => _kind == Kind.Null;

    /// <summary>A string argument.</summary>
    public static implicit operator RedisValue(string? value) => value is null ? default : new RedisValue(value);

    /// <summary>A binary argument.</summary>
    public static implicit operator RedisValue(byte[]? value) => value is null ? default : new RedisValue(value.AsMemory());

    /// <summary>A binary argument (not copied: keep the memory unchanged until the command has been sent).</summary>
    public static implicit operator RedisValue(ReadOnlyMemory<byte> value) => new(value);

    /// <summary>A binary argument.</summary>
    public static implicit operator RedisValue(Memory<byte> value) => new((ReadOnlyMemory<byte>)value);

    /// <summary>An integer argument.</summary>
    public static implicit operator RedisValue(long value) => new(value);

    /// <summary>An integer argument.</summary>
    public static implicit operator RedisValue(int value) => new((long)value);

    /// <summary>A floating-point argument (round-trip format; <c>inf</c>/<c>-inf</c> for infinities).</summary>
    public static implicit operator RedisValue(double value) => new(value);

    /// <summary>The number of bytes this value takes on the wire (without the RESP framing).</summary>
    internal int GetByteCount() => _kind switch
    {
        Kind.Null => 0,
        Kind.String => Encoding.UTF8.GetByteCount((string)_obj!),
        Kind.Memory => _memory.Length,
        Kind.Int64 => CountDigits(_int),
        _ => FormatDouble(_double, stackalloc byte[32]),
    };

    /// <summary>Writes the value's bytes; <paramref name="destination"/> is at least <see cref="GetByteCount"/> long.</summary>
    internal int CopyTo(Span<byte> destination)
    {
        switch (_kind)
        {
            case Kind.Null: return 0;
            case Kind.String: return Encoding.UTF8.GetBytes((string)_obj!, destination);
            case Kind.Memory: _memory.Span.CopyTo(destination); return _memory.Length;
            case Kind.Int64: Utf8Formatter.TryFormat(_int, destination, out var n); return n;
            default: return FormatDouble(_double, destination);
        }
    }

    private static int FormatDouble(double value, Span<byte> destination)
    {
        if (double.IsPositiveInfinity(value)) { "inf"u8.CopyTo(destination); return 3; }
        if (double.IsNegativeInfinity(value)) { "-inf"u8.CopyTo(destination); return 4; }
        value.TryFormat(destination, out var written, "R", CultureInfo.InvariantCulture);
        return written;
    }

    internal static int CountDigits(long value)
    {
        if (value == long.MinValue) return 20;
        var n = value < 0 ? 2 : 1;
        var v = (ulong)Math.Abs(value);
        while (v >= 10) { v /= 10; n++; }
        return n;
    }

    /// <inheritdoc />
    public override string ToString() => _kind switch
    {
        Kind.Null => string.Empty,
        Kind.String => (string)_obj!,
        Kind.Memory => Encoding.UTF8.GetString(_memory.Span),
        Kind.Int64 => _int.ToString(CultureInfo.InvariantCulture),
        _ => _double.ToString("R", CultureInfo.InvariantCulture),
    };
}
