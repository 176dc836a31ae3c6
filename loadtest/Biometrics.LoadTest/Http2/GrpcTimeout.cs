using System.Buffers.Text;
using System.Diagnostics;

namespace Biometrics.LoadTest.Http2;

/// <summary>
/// Encodes the <c>grpc-timeout</c> request header (gRPC PROTOCOL-HTTP2: at most 8 digits and a unit, H M S m u n) as an
/// HPACK literal without indexing, in the finest unit that fits, rounded up. Stateless; thread-safe.
/// </summary>
public static class GrpcTimeout
{
    /// <summary>The largest encoded field: pattern byte, name literal (13), value literal (1 + 9).</summary>
    public const int MaxFieldSize = 1 + 13 + 10;

    private const long MaxValue = 99_999_999;

    /// <summary>The header value for <paramref name="remaining"/> stopwatch ticks, e.g. <c>250000u</c>, into <paramref name="destination"/>; returns its length.</summary>
    public static int FormatValue(Span<byte> destination, long remaining)
    {
        var micros = Math.Max(1, (long)Math.Ceiling(remaining * 1_000_000.0 / Stopwatch.Frequency));
        ReadOnlySpan<(long Divisor, byte Unit)> units = [(1, (byte)'u'), (1_000, (byte)'m'), (1_000_000, (byte)'S'), (60_000_000, (byte)'M'), (3_600_000_000, (byte)'H')];
        foreach (var (divisor, unit) in units)
        {
            var value = (micros + divisor - 1) / divisor;
            if (value <= MaxValue || unit == 'H')
            {
                Utf8Formatter.TryFormat(Math.Min(value, MaxValue), destination, out var n);
                destination[n] = unit;
                return n + 1;
            }
        }

        throw new UnreachableException();
    }

    /// <summary>Writes the whole HPACK field (<c>grpc-timeout: value</c>, literal name, not indexed); returns its length.</summary>
    public static int WriteField(Span<byte> destination, long remaining)
    {
        destination[0] = 0x00;
        destination[1] = 12;
        "grpc-timeout"u8.CopyTo(destination[2..]);
        var length = FormatValue(destination[15..], remaining);
        destination[14] = (byte)length;
        return 15 + length;
    }
}
