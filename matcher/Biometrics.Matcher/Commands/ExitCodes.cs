namespace Biometrics.Matcher.Commands;

/// <summary>The matcher's process exit codes (the table in docs/MATCHER.md, "Commands").</summary>
public static class ExitCodes
{
    /// <summary>Done (also help, and <c>serve</c> after a normal shutdown).</summary>
    public const int Ok = 0;

    /// <summary>The command started but failed: an input or output file could not be read or written, the listener
    /// could not be opened, a key could not be loaded.</summary>
    public const int Failed = 1;

    /// <summary>Nothing was done: an unknown command or option, a bad or missing value, an invalid configuration.</summary>
    public const int Usage = 2;
}
