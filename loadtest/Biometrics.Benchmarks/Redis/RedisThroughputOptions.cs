namespace Biometrics.Benchmarks.Redis;

/// <summary>Parameters of <see cref="RedisThroughputHarness"/>, named after redis-benchmark's flags.</summary>
public sealed class RedisThroughputOptions
{
    /// <summary>Server port (<c>-p</c>).</summary>
    public int Port { get; set; } = 6379;

    /// <summary>Concurrent callers (<c>-c</c>); they all share the multiplexer.</summary>
    public int Clients { get; set; } = 50;

    /// <summary>Total GETs (<c>-n</c>).</summary>
    public int Requests { get; set; } = 200_000;

    /// <summary>GETs each caller issues before awaiting their replies (<c>-P</c>; 1 = one at a time).</summary>
    public int Pipeline { get; set; } = 1;

    /// <summary>Value size in bytes (<c>-d</c>).</summary>
    public int ValueSize { get; set; } = 2048;

    /// <summary>Parses <c>-p N -c N -n N -P N -d N</c>.</summary>
    public static RedisThroughputOptions Parse(IReadOnlyList<string> args)
    {
        var o = new RedisThroughputOptions();
        for (var i = 0; i < args.Count; i++)
        {
            int Next() => int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "-p": o.Port = Next(); break;
                case "-c": o.Clients = Next(); break;
                case "-n": o.Requests = Next(); break;
                case "-P": o.Pipeline = Next(); break;
                case "-d": o.ValueSize = Next(); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        return o;
    }
}
