using Biometrics.LoadTest.Cli;

namespace Biometrics.LoadTest.Tests;

/// <summary>The command line as a new user meets it: help, refusals with exit code 2 before anything runs, exit codes.</summary>
public sealed class CommandLineUsageTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("lt-usage-").FullName;
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    private string ReportDir => Path.Combine(_dir, "reports");

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        _stdout.Dispose();
        _stderr.Dispose();
    }

    [Fact]
    public async Task RunAsync_UnknownOption_ExitCode2WithoutRunningOrWritingReports()
    {
        var code = await RunAsync(["run", "--scenario", "noop", "--rate", "100", "--warmup", "0s", "--duration", "1s", "--no-progress", "--report-dir", ReportDir, "--bogus", "1"]);

        Assert.Equal(2, code);
        Assert.Contains("'--bogus'", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("biometrics-load help run", _stderr.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(ReportDir));
        Assert.Empty(_stdout.ToString());
    }

    [Theory]
    [InlineData("--rate", "abc")]
    [InlineData("--rate", "-5")]
    [InlineData("--duration", "soon")]
    [InlineData("--max-in-flight", "0")]
    [InlineData("--max-error-rate", "2")]
    [InlineData("--arrival", "bursty")]
    [InlineData("--target", "ftp://127.0.0.1:1")]
    [InlineData("--token-file", "/nonexistent/gate.token")]
    [InlineData("--body-hex", "xyz")]
    public async Task RunAsync_BadValue_ExitCode2NamingTheOption(string option, string value)
    {
        var code = await RunAsync(["run", "--scenario", "noop", "--no-progress", "--report-dir", ReportDir, option, value]);

        Assert.Equal(2, code);
        Assert.Contains(option, _stderr.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(ReportDir));
    }

    [Fact]
    public async Task RunAsync_BadSeedValue_ExitCode2NamingTheOption()
    {
        var code = await RunAsync(["seed", "--count", "many"]);

        Assert.Equal(2, code);
        Assert.Contains("--count", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--rate")]
    [InlineData("--bogus")]
    public async Task RunAsync_HugeArgument_CutInTheMessage(string option)
    {
        var huge = new string('7', 100_000) + "x";

        var code = await RunAsync(["run", "--scenario", "noop", option, huge]);

        Assert.Equal(2, code);
        Assert.InRange(_stderr.ToString().Length, 1, 2_000);
        Assert.Contains("100,001 characters", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("help", "run")]
    [InlineData("run", "--help")]
    [InlineData("help", "seed")]
    [InlineData("seed", "-h")]
    public async Task RunAsync_Help_ExitCode0WithOptionsAndExitCodes(params string[] args)
    {
        var code = await RunAsync(args);

        Assert.Equal(0, code);
        Assert.Contains("usage error", _stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains(args.Contains("seed") ? "--window" : args.Contains("run") ? "--max-in-flight" : "seed", _stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_HelpOnUnknownCommand_ExitCode2()
    {
        Assert.Equal(2, await RunAsync(["help", "bogus"]));
        Assert.Contains("'bogus'", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoCommand_ExitCode2()
        => Assert.Equal(2, await RunAsync([]));

    [Fact]
    public async Task RunAsync_ScenarioFileWithUnknownKey_ExitCode2NamingTheKey()
    {
        var file = Path.Combine(_dir, "scenario.json");
        await File.WriteAllTextAsync(file, """{ "scenario": "noop", "rat": 100 }""");

        var code = await RunAsync(["run", "--file", file, "--no-progress", "--report-dir", ReportDir]);

        Assert.Equal(2, code);
        Assert.Contains("'rat'", _stderr.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(ReportDir));
    }

    [Fact]
    public async Task RunAsync_EveryCallFailsAgainstDeadPort_ExitCode1AndNoSuccessfulRateShown()
    {
        var dead = $"http://127.0.0.1:{Biometrics.Testing.FreePort.Next()}";

        var code = await RunAsync(["run", "--scenario", "unary", "--target", dead, "--rate", "50", "--warmup", "0s", "--duration", "1s", "--drain", "5s", "--no-progress", "--report-dir", ReportDir]);

        Assert.Equal(1, code);
        var output = _stdout.ToString();
        Assert.Contains("UNAVAILABLE", output, StringComparison.Ordinal);
        Assert.Contains("SLO FAIL: unary: error rate <= 0", output, StringComparison.Ordinal);
        // scenario, sent, ok 0, errors, dropped 0, ok/s 0.0
        Assert.Matches(@"(?m)^unary\s+[\d,]+\s+0\s+[\d,]+\s+0\s+0\.0\s", output);
        Assert.True(File.Exists(Path.Combine(ReportDir, "report.json")));
        Assert.Contains("error: unary: no call succeeded (UNAVAILABLE); is the matcher listening at --target?", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_FailuresAllowedByMaxErrorRate_ExitCode0()
    {
        var dead = $"http://127.0.0.1:{Biometrics.Testing.FreePort.Next()}";

        var code = await RunAsync(["run", "--scenario", "unary", "--target", dead, "--rate", "20", "--warmup", "0s", "--duration", "1s", "--drain", "5s", "--no-progress", "--report-dir", ReportDir, "--max-error-rate", "1"]);

        Assert.Equal(0, code);
    }

    private Task<int> RunAsync(string[] args) => CommandLine.RunAsync(args, _stdout, _stderr).WaitAsync(s_timeout);
}
