namespace Biometrics.Edge.Cli;

/// <summary>The command line is wrong (unknown option, missing argument, bad value): exit code 2 with usage.</summary>
public sealed class CommandLineException : Exception
{
    public CommandLineException()
    {
    }

    public CommandLineException(string message)
        : base(message)
    {
    }

    public CommandLineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
