using System.Globalization;

namespace Biometrics.LoadTest.Cli;

/// <summary>Command-line text as it may appear in a message: long arguments cut, so an error never echoes kilobytes.</summary>
public static class ArgumentText
{
    /// <summary>Longest argument a message repeats in full.</summary>
    public const int MaxLength = 80;

    /// <summary><paramref name="text"/> itself, or its first <see cref="MaxLength"/> characters and how long it was.</summary>
    public static string Cut(string text)
        => text.Length <= MaxLength ? text : string.Create(CultureInfo.InvariantCulture, $"{text[..MaxLength]}... ({text.Length:N0} characters)");

    /// <summary><paramref name="message"/> with every long argument of <paramref name="args"/> in it cut.</summary>
    public static string CutArguments(string message, IEnumerable<string> args)
    {
        // "--name=value" reaches the messages as its value alone.
        var values = args.SelectMany(a => a.StartsWith("--", StringComparison.Ordinal) && a.IndexOf('=', StringComparison.Ordinal) is > 0 and var eq ? [a, a[(eq + 1)..]] : new[] { a });
        foreach (var arg in values.Where(a => a.Length > MaxLength).Distinct().OrderByDescending(a => a.Length))
        {
            message = message.Replace(arg, Cut(arg), StringComparison.Ordinal);
        }

        return message;
    }
}
