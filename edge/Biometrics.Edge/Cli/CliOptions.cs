using System.CommandLine;
using System.Globalization;

namespace Biometrics.Edge.Cli;

/// <summary>
/// Factories for the options of the <c>biometrics-gate</c> commands: every option has a help text, and a bad value is a
/// parse error that names the option and its allowed range (exit code 2, docs/EDGE.md). Values are nullable: absent
/// means "use the configuration or the default", which the command applies. Thread-safe (stateless).
/// </summary>
public static class CliOptions
{
    /// <summary>A whole-number option within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int?> Int(string name, string helpName, string description, int min, int max)
    {
        var option = new Option<int?>(name) { Description = description, HelpName = helpName };
        option.CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return null;
            }

            var text = result.Tokens[0].Value;
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be a whole number from {min} to {max}, not '{CliText.Cut(text)}'"));
            return null;
        };
        return option;
    }

    /// <summary>A number option within [<paramref name="min"/>, <paramref name="max"/>] (invariant culture: <c>0.5</c>).</summary>
    public static Option<double?> Double(string name, string helpName, string description, double min, double max)
    {
        var option = new Option<double?>(name) { Description = description, HelpName = helpName };
        option.CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return null;
            }

            var text = result.Tokens[0].Value;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be a number from {min} to {max}, not '{CliText.Cut(text)}'"));
            return null;
        };
        return option;
    }

    /// <summary>A text option of 1 to <paramref name="maxLength"/> characters.</summary>
    public static Option<string?> Text(string name, string helpName, string description, int maxLength = 4096)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = helpName };
        option.CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return null;
            }

            var text = result.Tokens[0].Value;
            if (text.Length >= 1 && text.Length <= maxLength)
            {
                return text;
            }

            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be 1 to {maxLength} characters, not {text.Length}"));
            return null;
        };
        return option;
    }

    /// <summary>An option whose value is one of <paramref name="choices"/>.</summary>
    public static Option<string?> Choice(string name, string description, params string[] choices)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = string.Join('|', choices) };
        option.CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return null;
            }

            var text = result.Tokens[0].Value;
            if (choices.Contains(text, StringComparer.Ordinal))
            {
                return text;
            }

            result.AddError($"{name} must be {string.Join(" or ", choices)}, not '{CliText.Cut(text)}'");
            return null;
        };
        return option;
    }

    /// <summary>A switch (no value).</summary>
    public static Option<bool> Flag(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.Zero };
}
