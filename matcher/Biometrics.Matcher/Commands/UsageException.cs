namespace Biometrics.Matcher.Commands;

/// <summary>A command line the matcher refuses before doing anything (exit <see cref="ExitCodes.Usage"/>).</summary>
public sealed class UsageException(string message) : Exception(message);
