namespace Biometrics.Matcher.Hosting;

/// <summary>What <see cref="DevelopmentKeys.Ensure"/> did with one file.</summary>
public enum KeyFileAction
{
    /// <summary>The file was missing and was created.</summary>
    Created,

    /// <summary>The file existed and was kept as it was.</summary>
    Kept,

    /// <summary>The file existed and was replaced (forced, or a role token that no longer validated).</summary>
    Replaced,
}
