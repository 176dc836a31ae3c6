using System.Globalization;
using System.Text;

namespace Biometrics.Matcher.Commands;

/// <summary>Makes what the command line prints about its arguments safe to print: arguments longer than
/// <see cref="MaxArgument"/> characters are cut (their length is said instead), control characters become '?'.</summary>
public static class CliText
{
    /// <summary>The longest argument echoed whole.</summary>
    public const int MaxArgument = 80;

    /// <summary>An excerpt of <paramref name="argument"/>: whole when short, else its start and its length.</summary>
    public static string Excerpt(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        return Printable(argument.Length <= MaxArgument
            ? argument
            : string.Create(CultureInfo.InvariantCulture, $"{argument.AsSpan(0, 40)}... ({argument.Length:N0} characters)"));
    }

    /// <summary><paramref name="message"/> with every over-long argument of <paramref name="args"/> in it replaced by its
    /// <see cref="Excerpt"/>, and control characters replaced.</summary>
    public static string Clean(string message, IEnumerable<string> args)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(args);
        foreach (var a in args.Where(a => a.Length > MaxArgument).Distinct(StringComparer.Ordinal).OrderByDescending(a => a.Length))
        {
            message = message.Replace(a, Excerpt(a), StringComparison.Ordinal);
            // An option's value may have been split off "--name=value" by the parser.
            if (a.IndexOf('=', StringComparison.Ordinal) is var i and > 0 && a.Length - i - 1 > MaxArgument)
            {
                message = message.Replace(a[(i + 1)..], Excerpt(a[(i + 1)..]), StringComparison.Ordinal);
            }
        }

        return Printable(message);
    }

    private static string Printable(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var sb = new StringBuilder(text.Length);
        foreach (var c in text) sb.Append(char.IsControl(c) && c != '\n' ? '?' : c);
        return sb.ToString();
    }
}
