using Biometrics.Testing;

namespace Biometrics.Edge.IntegrationTests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public async Task Run_NoArguments_ListsCommandsWithExitCode2()
    {
        var run = await CliRun.RunAsync();
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("eval-pairs", run.Out, StringComparison.Ordinal);
        Assert.Contains("detect", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownCommand_Exit2()
    {
        var run = await CliRun.RunAsync("frobnicate");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown command 'frobnicate'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CommandHelp_PrintsUsage()
    {
        var run = await CliRun.RunAsync("eval-pairs", "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--pairs FILE", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalPairs_MissingPairsOption_Exit2WithUsage()
    {
        var run = await CliRun.RunAsync("eval-pairs", "--root", ".");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--pairs FILE is required", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_UnknownOption_Exit2()
    {
        var run = await CliRun.RunAsync("detect", "x.jpg", "--bogus");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown option '--bogus'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalPairs_MalformedLine_Exit1NamingTheLine()
    {
        var dir = Directory.CreateTempSubdirectory("pairs-").FullName;
        try
        {
            var pairs = Path.Combine(dir, "pairs.tsv");
            await File.WriteAllTextAsync(pairs, "a.jpg\tb.jpg\t1\na.jpg\tb.jpg\tmaybe\n");
            var run = await CliRun.RunAsync("eval-pairs", "--pairs", pairs, "--root", dir);
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("pairs.tsv:2", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task EvalPairs_MissingImage_Exit2NamingIt()
    {
        var dir = Directory.CreateTempSubdirectory("pairs-").FullName;
        try
        {
            var pairs = Path.Combine(dir, "pairs.tsv");
            await File.WriteAllTextAsync(pairs, "nope.jpg\talso-nope.jpg\t1\n");
            var run = await CliRun.RunAsync("eval-pairs", "--pairs", pairs, "--root", SharedFiles.Face("deepface"));
            Assert.Equal(2, run.ExitCode);
            Assert.Contains("nope.jpg", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
