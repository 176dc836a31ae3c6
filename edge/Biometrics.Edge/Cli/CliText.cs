namespace Biometrics.Edge.Cli;

/// <summary>
/// Keeps command-line text short in messages: an argument longer than <see cref="MaxShown"/> characters is shown cut,
/// with its length, so a pasted token or a runaway argument never floods the terminal (docs/EDGE.md, The command line).
/// Thread-safe (stateless).
/// </summary>
public static class CliText
{
    /// <summary>Longest argument shown in full in a message.</summary>
    public const int MaxShown = 80;

    /// <summary>Longest message printed in full (a message built from many arguments).</summary>
    public const int MaxMessage = 2000;

    /// <summary><paramref name="text"/>, or its first characters and its length when it is longer than <see cref="MaxShown"/>.</summary>
    public static string Cut(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= MaxShown ? text : $"{text[..(MaxShown - 20)]}... ({text.Length} characters)";
    }

    /// <summary>
    /// <paramref name="message"/> with every long argument of <paramref name="args"/> (or the value of a long
    /// <c>--name=value</c> argument) replaced by its <see cref="Cut"/> form, and then cut to <see cref="MaxMessage"/>.
    /// </summary>
    public static string Shorten(string message, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(args);
        var longOnes = args
            .SelectMany(a => a.Contains('=', StringComparison.Ordinal) ? new[] { a, a[(a.IndexOf('=', StringComparison.Ordinal) + 1)..] } : [a])
            .Where(a => a.Length > MaxShown)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(a => a.Length);
        foreach (var arg in longOnes)
        {
            message = message.Replace(arg, Cut(arg), StringComparison.Ordinal);
        }

        return message.Length <= MaxMessage ? message : $"{message[..MaxMessage]}... ({message.Length} characters)";
    }
}
