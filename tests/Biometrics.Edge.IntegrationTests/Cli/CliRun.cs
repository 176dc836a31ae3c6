using Biometrics.Edge;

namespace Biometrics.Edge.IntegrationTests.Cli;

/// <summary>Runs the command line in-process with captured output.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static async Task<CliRun> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Program.RunAsync(args, stdout, stderr).WaitAsync(TimeSpan.FromMinutes(5));
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }
}
