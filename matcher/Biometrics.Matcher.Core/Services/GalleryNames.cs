using System.Text.RegularExpressions;

namespace Biometrics.Matcher.Services;

/// <summary>Gallery name rules of the wire contract: <c>[a-z0-9_-]{1,32}</c>. Thread-safe.</summary>
public static partial class GalleryNames
{
    /// <summary>True when <paramref name="name"/> is a valid gallery name.</summary>
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>A short, printable excerpt of a caller's (possibly invalid, possibly huge) gallery name for an error
    /// message: at most 40 characters, anything but printable ASCII as '?', "..." when cut.</summary>
    public static string Excerpt(string? name)
    {
        if (string.IsNullOrEmpty(name)) return string.Empty;
        var cut = name.Length > 40;
        var chars = name.AsSpan(0, cut ? 37 : name.Length).ToArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is < ' ' or > '~') chars[i] = '?';
        }

        return cut ? new string(chars) + "..." : new string(chars);
    }

    [GeneratedRegex("^[a-z0-9_-]{1,32}$")]
    private static partial Regex Pattern();
}
