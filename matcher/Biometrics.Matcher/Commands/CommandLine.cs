using System.Globalization;

namespace Biometrics.Matcher.Commands;

/// <summary>Minimal <c>--name value</c> / <c>--flag</c> parsing for the sub-commands.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    /// <summary>Parses arguments after the command name.</summary>
    /// <exception cref="ArgumentException">An argument that is not an option.</exception>
    public CommandLine(IReadOnlyList<string> args, IReadOnlySet<string> flags)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{a}'");
            var name = a[2..];
            if (flags.Contains(name))
            {
                _values[name] = null;
                continue;
            }

            if (i + 1 >= args.Count) throw new ArgumentException($"--{name} needs a value");
            _values[name] = args[++i];
        }
    }

    /// <summary>True when the flag or option was given.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>An option's value, or <paramref name="fallback"/>.</summary>
    public string? Get(string name, string? fallback = null) => _values.TryGetValue(name, out var v) ? v : fallback;

    /// <summary>A required option.</summary>
    public string Require(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required");

    /// <summary>A floating-point option.</summary>
    public double GetDouble(string name, double fallback) =>
        Get(name) is { } v ? double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture) : fallback;
}
