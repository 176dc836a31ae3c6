using System.Globalization;
using System.Text.Json;

namespace Biometrics.LoadTest.Cli;

/// <summary>
/// Options as <c>key -&gt; value</c> text, from the command line (parsed and checked by System.CommandLine,
/// <see cref="LoadOptions"/>) or from a JSON object (scenario files); typed getters with clear errors. Keys are
/// case-insensitive and <c>camelCase</c> JSON keys match <c>kebab-case</c> flags (<c>maxInFlight</c> = <c>max-in-flight</c>).
/// </summary>
public sealed class ArgumentMap
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _used = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Raw JSON of <c>simulations</c> when the map came from a scenario file.</summary>
    public JsonElement? Simulations { get; private set; }

    /// <summary>
    /// Reads one JSON object's properties (numbers, strings, booleans) as options; with <paramref name="known"/>, a key
    /// that is not one of those option names is a usage error (a typo would otherwise be ignored).
    /// </summary>
    public static ArgumentMap FromJson(JsonElement element, IReadOnlySet<string>? known = null)
    {
        var map = new ArgumentMap();
        foreach (var p in element.EnumerateObject())
        {
            if (p.NameEquals("simulations"))
            {
                map.Simulations = p.Value.Clone();
                continue;
            }

            if (known is not null && !known.Contains(Normalise(p.Name)))
            {
                throw new UsageException($"scenario file: unknown option '{CliText.Cut(p.Name)}'");
            }

            map.Set(p.Name, p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Number => p.Value.GetRawText(),
                _ => throw new UsageException($"scenario file: option '{CliText.Cut(p.Name)}' must be a string, number or boolean"),
            });
        }

        return map;
    }

    /// <summary>A copy of this map with <paramref name="overrides"/> laid over it.</summary>
    public ArgumentMap With(ArgumentMap overrides)
    {
        var map = new ArgumentMap { Simulations = overrides.Simulations ?? Simulations };
        foreach (var kv in _values)
        {
            map._values[kv.Key] = kv.Value;
        }

        foreach (var kv in overrides._values)
        {
            map._values[kv.Key] = kv.Value;
        }

        return map;
    }

    /// <summary>Sets an option (kebab-case or camelCase key).</summary>
    public void Set(string key, string value) => _values[Normalise(key)] = value;

    /// <summary>Whether the option is present.</summary>
    public bool Has(string key) => _values.ContainsKey(Normalise(key));

    /// <summary>Text option or <paramref name="fallback"/>.</summary>
    public string? String(string key, string? fallback = null)
    {
        key = Normalise(key);
        _used.Add(key);
        return _values.TryGetValue(key, out var v) ? v : fallback;
    }

    /// <summary>Number option or <paramref name="fallback"/>.</summary>
    public double Double(string key, double fallback)
    {
        var s = String(key);
        if (s is null)
        {
            return fallback;
        }

        return ParseNumber(s) ?? throw new UsageException($"--{key} expects a number, got '{CliText.Cut(s)}'");
    }

    /// <summary>Optional number option.</summary>
    public double? OptionalDouble(string key) => Has(key) ? Double(key, 0) : null;

    /// <summary>Integer option or <paramref name="fallback"/>.</summary>
    public long Long(string key, long fallback)
    {
        var s = String(key);
        if (s is null)
        {
            return fallback;
        }

        return ParseInteger(s) ?? throw new UsageException($"--{key} expects an integer, got '{CliText.Cut(s)}'");
    }

    /// <summary>Boolean flag.</summary>
    public bool Flag(string key)
    {
        var s = String(key);
        return s is not null && (s.Equals("true", StringComparison.OrdinalIgnoreCase) || s == "1" || s.Equals("yes", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Duration option (<c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>; a bare number is seconds) or <paramref name="fallback"/>.</summary>
    public TimeSpan Duration(string key, TimeSpan fallback)
    {
        var s = String(key);
        return s is null ? fallback : ParseDuration(s) ?? throw new UsageException($"--{key} expects a duration like 500ms, 30s, 2m; got '{CliText.Cut(s)}'");
    }

    /// <summary>Options that were given but never read (typos), for a warning.</summary>
    public IEnumerable<string> Unused() => _values.Keys.Where(k => !_used.Contains(k));

    /// <summary>Parses a finite number (invariant culture), or null.</summary>
    public static double? ParseNumber(string text)
        => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    /// <summary>Parses an integer (<c>1_000_000</c> allowed), or null.</summary>
    public static long? ParseInteger(string text)
        => long.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>Parses <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c> or a number of seconds.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        var (unit, number) = text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (0.001, text[..^2])
            : text.EndsWith('s') ? (1.0, text[..^1])
            : text.EndsWith('m') ? (60.0, text[..^1])
            : text.EndsWith('h') ? (3600.0, text[..^1])
            : (1.0, text);
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 && double.IsFinite(v)
            ? TimeSpan.FromSeconds(v * unit)
            : null;
    }

    /// <summary>The key form options are stored under: <c>maxInFlight</c>, <c>max_in_flight</c> and <c>max-in-flight</c> are one key.</summary>
    public static string Normalise(string key)
    {
        var sb = new System.Text.StringBuilder(key.Length + 4);
        foreach (var c in key)
        {
            if (char.IsUpper(c))
            {
                if (sb.Length > 0)
                {
                    sb.Append('-');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c == '_' ? '-' : c);
            }
        }

        return sb.ToString();
    }
}
