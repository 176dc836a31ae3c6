using System.Globalization;
using System.Text;

namespace Biometrics.Cli;

/// <summary>
/// Makes what a command line prints about its arguments safe to print: an argument longer than
/// <see cref="MaxArgument"/> characters is cut (its start and its length are shown), so a pasted token or a runaway
/// argument never floods the terminal; control characters become '?'; a message is cut at <see cref="MaxMessage"/>.
/// One source file compiled into the three command lines (biometrics-gate, biometrics-matcher, biometrics-load;
/// docs/EDGE.md, "The command line"). Thread-safe (stateless).
/// </summary>
internal static class CliText
{
    /// <summary>The longest argument a message repeats whole.</summary>
    public const int MaxArgument = 80;

    /// <summary>The longest message printed whole (a message built from many arguments).</summary>
    public const int MaxMessage = 2000;

    /// <summary><paramref name="text"/> itself when short, else its first 60 characters and its length.</summary>
    public static string Cut(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Printable(text.Length <= MaxArgument
            ? text
            : string.Create(CultureInfo.InvariantCulture, $"{text.AsSpan(0, 60)}... ({text.Length:N0} characters)"));
    }

    /// <summary>
    /// <paramref name="message"/> with every long argument of <paramref name="args"/> (or the value of a long
    /// <c>--name=value</c> argument, which the parser may have split off) replaced by its <see cref="Cut"/> form,
    /// control characters replaced, and then cut to <see cref="MaxMessage"/>.
    /// </summary>
    public static string Shorten(string message, IEnumerable<string> args)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(args);
        var longOnes = args
            .SelectMany(a => a.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? [a, a[(eq + 1)..]] : new[] { a })
            .Where(a => a.Length > MaxArgument)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(a => a.Length);
        foreach (var arg in longOnes)
        {
            message = message.Replace(arg, Cut(arg), StringComparison.Ordinal);
        }

        message = Printable(message);
        return message.Length <= MaxMessage
            ? message
            : string.Create(CultureInfo.InvariantCulture, $"{message.AsSpan(0, MaxMessage)}... ({message.Length:N0} characters)");
    }

    private static string Printable(string text)
    {
        if (!text.Any(c => char.IsControl(c) && c != '\n')) return text;
        var sb = new StringBuilder(text.Length);
        foreach (var c in text) sb.Append(char.IsControl(c) && c != '\n' ? '?' : c);
        return sb.ToString();
    }
}
