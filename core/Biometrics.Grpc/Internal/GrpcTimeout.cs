using System.Globalization;

namespace Biometrics.Grpc.Internal;

/// <summary>The <c>grpc-timeout</c> header: up to 8 ASCII digits and a unit (H, M, S, m, u, n).</summary>
internal static class GrpcTimeout
{
    private const long MaxValue = 99_999_999;

    /// <summary>Parses a header value; false when it is malformed.</summary>
    public static bool TryParse(ReadOnlySpan<char> value, out TimeSpan timeout)
    {
        timeout = default;
        if (value.Length < 2 || value.Length > 9) return false;
        long amount = 0;
        foreach (var c in value[..^1])
        {
            if (c is < '0' or > '9') return false;
            amount = amount * 10 + (c - '0');
        }
        long ticks;
        switch (value[^1])
        {
            case 'H': ticks = amount * TimeSpan.TicksPerHour; break;
            case 'M': ticks = amount * TimeSpan.TicksPerMinute; break;
            case 'S': ticks = amount * TimeSpan.TicksPerSecond; break;
            case 'm': ticks = amount * TimeSpan.TicksPerMillisecond; break;
            case 'u': ticks = amount * 10; break;
            case 'n': ticks = amount / 100; break;
            default: return false;
        }
        timeout = TimeSpan.FromTicks(ticks);
        return true;
    }

    /// <summary>Formats a positive timeout with the finest unit that fits in 8 digits (rounding up).</summary>
    public static string Format(TimeSpan timeout)
    {
        var ticks = Math.Max(timeout.Ticks, 0);
        var micros = CeilDiv(ticks, 10);
        if (micros <= MaxValue) return micros.ToString(CultureInfo.InvariantCulture) + "u";
        var millis = CeilDiv(ticks, TimeSpan.TicksPerMillisecond);
        if (millis <= MaxValue) return millis.ToString(CultureInfo.InvariantCulture) + "m";
        var seconds = CeilDiv(ticks, TimeSpan.TicksPerSecond);
        if (seconds <= MaxValue) return seconds.ToString(CultureInfo.InvariantCulture) + "S";
        var minutes = CeilDiv(ticks, TimeSpan.TicksPerMinute);
        if (minutes <= MaxValue) return minutes.ToString(CultureInfo.InvariantCulture) + "M";
        var hours = Math.Min(CeilDiv(ticks, TimeSpan.TicksPerHour), MaxValue);
        return hours.ToString(CultureInfo.InvariantCulture) + "H";
    }

    private static long CeilDiv(long value, long divisor) => value / divisor + (value % divisor != 0 ? 1 : 0);
}
