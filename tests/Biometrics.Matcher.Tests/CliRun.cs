using Biometrics.Matcher.Commands;

namespace Biometrics.Matcher.Tests;

/// <summary>Runs the matcher's command line in-process and keeps what it printed.</summary>
internal static class CliRun
{
    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await MatcherCli.RunAsync(args, output, error).WaitAsync(TimeSpan.FromSeconds(60));
        return (code, output.ToString(), error.ToString());
    }
}
