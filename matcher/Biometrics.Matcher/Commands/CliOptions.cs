using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Biometrics.Matcher.Commands;

/// <summary>Option kinds the matcher's commands share, each checked at parse time with a message naming the option.</summary>
public static class CliOptions
{
    /// <summary>A path option that must name an existing file.</summary>
    public static Option<string> ExistingFile(string name, string description, bool required = false)
    {
        var option = new Option<string>(name) { Description = description, HelpName = "FILE", Required = required };
        option.Validators.Add(r =>
        {
            if (TokenOf(r) is not { } path) return;
            if (Directory.Exists(path)) r.AddError($"{name}: '{CliText.Cut(path)}' is a directory, not a file.");
            else if (!File.Exists(path)) r.AddError($"{name}: file '{CliText.Cut(path)}' does not exist.");
        });
        return option;
    }

    /// <summary>A path option that must name an existing directory.</summary>
    public static Option<string> ExistingDirectory(string name, string description)
    {
        var option = new Option<string>(name) { Description = description, HelpName = "DIR" };
        option.Validators.Add(r =>
        {
            if (TokenOf(r) is not { } path) return;
            if (File.Exists(path)) r.AddError($"{name}: '{CliText.Cut(path)}' is a file, not a directory.");
            else if (!Directory.Exists(path)) r.AddError($"{name}: directory '{CliText.Cut(path)}' does not exist.");
        });
        return option;
    }

    /// <summary>A rate strictly between 0 and 1 (a false-match rate).</summary>
    public static Option<double> Rate(string name, string description, double defaultValue) => new(name)
    {
        Description = description,
        HelpName = "RATE",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && v < 1) return v;
            r.AddError($"{name} must be a number between 0 and 1 (exclusive), such as 1e-4; not '{CliText.Cut(text)}'.");
            return default;
        },
    };

    /// <summary>An integer in <paramref name="min"/>..<paramref name="max"/>.</summary>
    public static Option<int> Int(string name, string description, int defaultValue, int min, int max) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max) return v;
            r.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be a whole number {min}..{max}, not '{CliText.Cut(text)}'."));
            return default;
        },
    };

    /// <summary>A non-empty text of at most <paramref name="maxLength"/> printable characters without spaces.</summary>
    public static Option<string> Name(string name, string description, int maxLength, bool required = false, string? defaultValue = null)
    {
        var option = new Option<string>(name) { Description = description, HelpName = "NAME", Required = required };
        if (defaultValue is not null) option.DefaultValueFactory = _ => defaultValue;
        option.Validators.Add(r =>
        {
            if (TokenOf(r) is not { } v) return;
            if (v.Length == 0 || v.Length > maxLength || v.Any(c => c is <= ' ' or > '~'))
            {
                r.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be 1..{maxLength} printable characters without spaces, not '{CliText.Cut(v)}'."));
            }
        });
        return option;
    }

    /// <summary>A duration: a positive number and a unit, <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c> (e.g. <c>90s</c>,
    /// <c>15m</c>, <c>8h</c>, <c>30d</c>), at most 400 days.</summary>
    public static Option<TimeSpan> Duration(string name, string description, TimeSpan defaultValue)
    {
        return new Option<TimeSpan>(name)
        {
            Description = description,
            HelpName = "DURATION",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
                if (TryParseDuration(text, out var d)) return d;
                r.AddError($"{name}: '{CliText.Cut(text)}' is not a duration such as 90s, 15m, 8h or 30d (at most 400d).");
                return default;
            },
        };
    }

    /// <summary>The option's value as typed (the last one when repeated), or null.</summary>
    internal static string? TokenOf(OptionResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;

    /// <summary>Parses <c>90s</c>, <c>15m</c>, <c>8h</c>, <c>30d</c> (positive, at most 400 days).</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrEmpty(text) || text.Length > 16) return false;
        Func<double, TimeSpan>? unit = char.ToLowerInvariant(text[^1]) switch
        {
            's' => TimeSpan.FromSeconds,
            'm' => TimeSpan.FromMinutes,
            'h' => TimeSpan.FromHours,
            'd' => TimeSpan.FromDays,
            _ => null,
        };
        if (unit is null || !double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)) return false;
        if (!(n > 0) || n > 400 * 86_400) return false;
        var d = unit(n);
        if (d < TimeSpan.FromSeconds(1) || d > TimeSpan.FromDays(400)) return false;
        duration = d;
        return true;
    }
}
