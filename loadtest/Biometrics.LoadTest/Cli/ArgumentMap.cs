using System.Globalization;
using System.Text.Json;

namespace Biometrics.LoadTest.Cli;

/// <summary>
/// Options as <c>key -&gt; value</c> text, from <c>--key value</c> / <c>--key=value</c> / <c>--flag</c> arguments or
/// from a JSON object (scenario files); typed getters with clear errors. Keys are case-insensitive and
/// <c>camelCase</c> JSON keys match <c>kebab-case</c> flags (<c>maxInFlight</c> = <c>max-in-flight</c>).
/// </summary>
public sealed class ArgumentMap
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _used = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Raw JSON of <c>simulations</c> when the map came from a scenario file.</summary>
    public JsonElement? Simulations { get; private set; }

    /// <summary>Parses command-line arguments (after the command word).</summary>
    public static ArgumentMap Parse(IEnumerable<string> args)
    {
        var map = new ArgumentMap();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length < 3)
            {
                throw new UsageException($"unexpected argument '{a}' (options look like --name value)");
            }

            var eq = a.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                map.Set(a[2..eq], a[(eq + 1)..]);
            }
            else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                map.Set(a[2..], list[++i]);
            }
            else
            {
                map.Set(a[2..], "true");
            }
        }

        return map;
    }

    /// <summary>Reads one JSON object's properties (numbers, strings, booleans) as options.</summary>
    public static ArgumentMap FromJson(JsonElement element)
    {
        var map = new ArgumentMap();
        foreach (var p in element.EnumerateObject())
        {
            if (p.NameEquals("simulations"))
            {
                map.Simulations = p.Value.Clone();
                continue;
            }

            map.Set(p.Name, p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Number => p.Value.GetRawText(),
                _ => throw new UsageException($"option '{p.Name}' must be a string, number or boolean"),
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

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new UsageException($"--{key} expects a number, got '{s}'");
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

        s = s.Replace("_", string.Empty, StringComparison.Ordinal);
        return long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new UsageException($"--{key} expects an integer, got '{s}'");
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
        return s is null ? fallback : ParseDuration(s) ?? throw new UsageException($"--{key} expects a duration like 500ms, 30s, 2m; got '{s}'");
    }

    /// <summary>Options that were given but never read (typos), for a warning.</summary>
    public IEnumerable<string> Unused() => _values.Keys.Where(k => !_used.Contains(k));

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

    private static string Normalise(string key)
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
