using Biometrics.Edge.Connection;
using Biometrics.Testing;

namespace Biometrics.Edge.IntegrationTests.Cli;

/// <summary>The System.CommandLine front of biometrics-gate: help, refusals with exit code 2, messages that name the option.
/// None of these reaches a model or the network.</summary>
public sealed class CommandLineParsingTests
{
    [Theory]
    [InlineData("gate", "0", "--bogus", "1")]
    [InlineData("enrol", "--folder", ".", "--bogus")]
    [InlineData("status", "--bogus", "x")]
    [InlineData("subject", "get", "someone", "--bogus")]
    [InlineData("subject", "delete", "--bogus", "someone")]
    [InlineData("make-video", "out.avi", "blank", "--bogus")]
    [InlineData("eval-pairs", "--bogus", "--pairs", "p", "--root", ".")]
    public async Task Run_UnknownOption_Exit2NamingIt(params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown option '--bogus'", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Out);
    }

    [Theory]
    [InlineData("--budget-ms", "abc")]
    [InlineData("--budget-ms", "5")]
    [InlineData("--fps", "0")]
    [InlineData("--pace", "slow")]
    [InlineData("--threads", "1.5")]
    [InlineData("--min-liveness", "2")]
    [InlineData("--connect-timeout-ms", "x")]
    public async Task Gate_BadValue_Exit2NamingTheOption(string option, string value)
    {
        var run = await CliRun.RunAsync("gate", "0", option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(option, run.Error, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gate_OptionWithoutValue_Exit2NamingIt()
    {
        var run = await CliRun.RunAsync("gate", "0", "--budget-ms");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--budget-ms", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gate_TwoClaims_Exit2()
    {
        var run = await CliRun.RunAsync("gate", "0", "--subject", "a", "--qr", "b");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("at most one of --qr, --subject and --chip-photo", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task Run_Help_Exit0ListingEveryCommand(string help)
    {
        var run = await CliRun.RunAsync(help);

        Assert.Equal(0, run.ExitCode);
        foreach (var command in new[] { "gate", "enrol", "status", "subject", "detect", "embed", "compare", "eval-pairs", "make-video", "help" })
        {
            Assert.Contains(command, run.Out, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("gate", "--budget-ms")]
    [InlineData("enrol", "--template")]
    [InlineData("status", "--token-file")]
    [InlineData("subject get", "--json")]
    [InlineData("subject delete", "--request-id")]
    [InlineData("make-video", "--hold")]
    [InlineData("detect", "--no-liveness")]
    public async Task Run_HelpOfCommand_Exit0DescribingItsOptions(string command, string option)
    {
        var words = command.Split(' ');
        var viaHelp = await CliRun.RunAsync(["help", .. words]);
        var viaOption = await CliRun.RunAsync([.. words, "--help"]);
        var viaShort = await CliRun.RunAsync([.. words, "-h"]);

        foreach (var run in new[] { viaHelp, viaOption, viaShort })
        {
            Assert.True(run.ExitCode == 0, run.Error);
            Assert.Contains(option, run.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Help_UnknownCommand_Exit2()
    {
        var run = await CliRun.RunAsync("help", "bogus");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown command 'bogus'", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Out);
    }

    [Fact]
    public async Task Detect_Folder_SaysItIsAFolder()
    {
        var run = await CliRun.RunAsync("detect", SharedFiles.Face("deepface"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is a folder", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HUGE")]
    [InlineData("detect", "HUGE")]
    [InlineData("gate", "0", "--qr", "HUGE")]
    [InlineData("gate", "0", "--fps", "HUGE")]
    [InlineData("gate", "0", "HUGE")]
    [InlineData("subject", "get", "HUGE")]
    [InlineData("enrol", "--folder", "HUGE")]
    public async Task Run_HugeArgument_ExitNonZeroWithAShortMessage(params string[] args)
    {
        var huge = new string('x', 100_000);

        var run = await CliRun.RunAsync(args.Select(a => a == "HUGE" ? huge : a).ToArray());

        Assert.NotEqual(0, run.ExitCode);
        Assert.True(run.Error.Length is > 0 and < 2_000, $"{run.Error.Length} characters of error output");
        Assert.DoesNotContain(new string('x', 100), run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gate_SourceThatDoesNotExist_Exit2()
    {
        var run = await CliRun.RunAsync("gate", "no-such-video.avi", "--no-liveness");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("source 'no-such-video.avi' is not a camera index, a URL, a folder or an existing file", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subject_WithoutSubcommand_Exit2()
    {
        var run = await CliRun.RunAsync("subject");

        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public async Task Enrol_SubjectAndFolder_Exit2()
    {
        var run = await CliRun.RunAsync("enrol", "--subject", "a", "--folder", ".", "x.jpg");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("give either --subject ID with images, or --folder DIR", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultAddress_IsWhereRunShServes()
    {
        var runSh = File.ReadAllText(Path.Combine(SharedFiles.RepoRoot, "scripts", "run.sh"));

        Assert.Contains("--Matcher:Url=" + EdgeConfiguration.DefaultAddress, runSh, StringComparison.Ordinal);
        Assert.Equal(EdgeConfiguration.DefaultAddress, new MatcherConnectionOptions().Address);
    }
}
