namespace Biometrics.LoadTest.Cli;

/// <summary>A wrong command line or scenario file; the tool prints the message and exits with code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
