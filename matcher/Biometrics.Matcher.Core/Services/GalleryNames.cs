using System.Text.RegularExpressions;

namespace Biometrics.Matcher.Services;

/// <summary>Gallery name rules of the wire contract: <c>[a-z0-9_-]{1,32}</c>. Thread-safe.</summary>
public static partial class GalleryNames
{
    /// <summary>True when <paramref name="name"/> is a valid gallery name.</summary>
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex("^[a-z0-9_-]{1,32}$")]
    private static partial Regex Pattern();
}
