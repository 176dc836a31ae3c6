namespace Biometrics.LoadTest.Cli;

/// <summary><c>biometrics-load seed</c>: bulk-enrols synthetic templates through the enrolment API.</summary>
public static partial class SeedCommand
{
    /// <summary>Runs the command; returns the process exit code.</summary>
    public static Task<int> ExecuteAsync(ArgumentMap options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
        => throw new UsageException("seed needs the matcher's enrolment client, which this build does not have yet");
}
