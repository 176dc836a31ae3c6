using System.Globalization;

namespace Biometrics.Edge.Cli;

/// <summary>
/// A small command-line parser: positional arguments, <c>--name value</c> / <c>--name=value</c> options and
/// <c>--flag</c> switches, each declared by the command; anything undeclared is an error. <c>--</c> ends options.
/// </summary>
public sealed class CommandArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private CommandArguments(List<string> positionals) => Positionals = positionals;

    /// <summary>Arguments that are not options, in order.</summary>
    public IReadOnlyList<string> Positionals { get; }

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <param name="args">The arguments after the command name.</param>
    /// <param name="valueOptions">Option names (without <c>--</c>) that take a value.</param>
    /// <param name="flags">Option names that take no value.</param>
    /// <exception cref="CommandLineException">Unknown option or a missing value.</exception>
    public static CommandArguments Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags)
    {
        var positionals = new List<string>();
        var result = new CommandArguments(positionals);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positionals.AddRange(args.Skip(i + 1));
                break;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                positionals.Add(arg);
                continue;
            }

            var name = arg[2..];
            string? inline = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }

            if (flags.Contains(name))
            {
                if (inline is not null)
                {
                    throw new CommandLineException($"--{name} takes no value");
                }

                result._flags.Add(name);
            }
            else if (valueOptions.Contains(name))
            {
                var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new CommandLineException($"--{name} needs a value"));
                result._values[name] = value;
            }
            else
            {
                throw new CommandLineException($"unknown option '--{name}'");
            }
        }

        return result;
    }

    /// <summary>True when the flag was given.</summary>
    public bool Flag(string name) => _flags.Contains(name);

    /// <summary>The option's value, or null.</summary>
    public string? Value(string name) => _values.GetValueOrDefault(name);

    /// <summary>The option's value as a whole number within [min, max], or <paramref name="defaultValue"/>.</summary>
    public int Int(string name, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = Value(name);
        if (text is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new CommandLineException($"--{name} must be a whole number from {min} to {max}, not '{text}'");
        }

        return value;
    }

    /// <summary>Requires exactly as many positional arguments as <paramref name="names"/> (used in messages).</summary>
    public void ExpectPositionals(params string[] names)
    {
        if (Positionals.Count < names.Length)
        {
            throw new CommandLineException($"missing {string.Join(" and ", names.Skip(Positionals.Count))}");
        }

        if (Positionals.Count > names.Length)
        {
            throw new CommandLineException($"unexpected argument '{Positionals[names.Length]}'");
        }
    }
}
