using Biometrics.Matcher.Commands;

namespace Biometrics.Matcher.Tests;

/// <summary>Issue 12: the matcher had no help (<c>--help</c> started serve, <c>keys --help</c> wanted a value), accepted
/// unknown options silently, and <c>calibrate --fmr abc</c> did not name the option.</summary>
public sealed class MatcherCliTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("serve --help")]
    [InlineData("calibrate --help")]
    [InlineData("keys --help")]
    [InlineData("keys qr --help")]
    [InlineData("keys token --help")]
    [InlineData("help keys token")]
    [InlineData("help calibrate")]
    public async Task RunAsync_Help_ExitsZeroWithUsageAndStartsNothing(string args)
    {
        var (code, output, error) = await CliRun.RunAsync(args.Split(' '));
        Assert.True(code == 0, output + error);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Invalid configuration", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_HelpOfKeysToken_ListsEveryOption()
    {
        var (_, output, _) = await CliRun.RunAsync("help", "keys", "token");
        foreach (var option in (string[])["--role", "--key-file", "--key-id", "--subject", "--gate", "--ttl"]) Assert.Contains(option, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus", "keys --bogus x")]
    [InlineData("--bogus", "keys qr --subject s --bogus 1")]
    [InlineData("--bogus", "calibrate --pairs {pairs} --out {out} --bogus 1")]
    [InlineData("--bogus", "serve --bogus 1")]
    [InlineData("--bogus", "--bogus")]
    [InlineData("bogus", "bogus")]
    [InlineData("bogus", "help bogus")]
    [InlineData("--Matcher:Url", "serve --Matcher:Url")]
    public async Task RunAsync_UnknownCommandOrOption_ExitsTwoNamingIt(string named, string args)
    {
        using var files = new TempFiles();
        var (code, output, error) = await CliRun.RunAsync(files.Expand(args));
        Assert.True(code == 2, $"exit {code}: {output}{error}");
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.DoesNotContain("Wrote", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--fmr", "calibrate --pairs {pairs} --out {out} --fmr abc")]
    [InlineData("--fmr", "calibrate --pairs {pairs} --out {out} --fmr 2")]
    [InlineData("--watchlist-fmr", "calibrate --pairs {pairs} --out {out} --watchlist-fmr 0")]
    [InlineData("--parallel", "calibrate --pairs {pairs} --out {out} --parallel 0")]
    [InlineData("--pairs", "calibrate --pairs {dir} --out {out}")]
    [InlineData("--pairs", "calibrate --pairs {dir}/missing.csv --out {out}")]
    [InlineData("--pairs", "calibrate --out {out}")]
    [InlineData("--out", "calibrate --pairs {pairs}")]
    [InlineData("--root", "calibrate --pairs {pairs} --out {out} --root {pairs}")]
    [InlineData("--role", "keys token --role king --key-file {key} --subject s")]
    [InlineData("--ttl", "keys token --role gate --key-file {key} --subject s --ttl forever")]
    [InlineData("--ttl", "keys qr --subject s --dir {dir} --ttl 0m")]
    [InlineData("--subject", "keys qr --dir {dir}")]
    [InlineData("--key-file", "keys token --role gate --subject s")]
    [InlineData("--key-id", "keys --dir {dir} --key-id {long}")]
    public async Task RunAsync_BadOrMissingValue_ExitsTwoNamingTheOption(string option, string args)
    {
        using var files = new TempFiles();
        var (code, output, error) = await CliRun.RunAsync(files.Expand(args));
        Assert.True(code == 2, $"exit {code}: {output}{error}");
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.False(File.Exists(files.Out));
    }

    [Theory]
    [InlineData("keys --{long}")]
    [InlineData("calibrate --pairs {long} --out x.json")]
    [InlineData("calibrate --pairs {pairs} --out x.json --fmr {long}")]
    [InlineData("keys token --role {long} --key-file {key} --subject s")]
    [InlineData("--Matcher:Url={long}")]
    public async Task RunAsync_HugeArgument_CutInTheMessage(string args)
    {
        using var files = new TempFiles();
        var (code, _, error) = await CliRun.RunAsync(files.Expand(args));
        Assert.Equal(2, code);
        Assert.True(error.Length < 2000, $"{error.Length} characters of error output");
        Assert.Matches(@"\(100,00\d characters\)", error);
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("")]
    public async Task RunAsync_ServeConfigurationKeys_ReachTheHostValidation(string command)
    {
        string[] args = [.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--Matcher:Url=ftp://nowhere", "--Matcher:Security:KeysDirectory", "/nonexistent/keys"];
        var (code, _, error) = await CliRun.RunAsync(args);
        Assert.Equal(2, code);
        Assert.Contains("Invalid configuration:", error, StringComparison.Ordinal);
        Assert.Contains("Matcher:Url 'ftp://nowhere'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigurationArguments_KeysWithValues_PassedThroughInOrder()
    {
        string[] args = ["--Matcher:Url=http://127.0.0.1:50051", "--Matcher:Redis:Configuration", "127.0.0.1:6379", "--Logging:LogLevel:Default=Warning", "--Matcher:Security:QrIssuers:partner=/k/p.pem"];
        Assert.Equal(args, ServeCommand.ConfigurationArguments(args));
    }

    [Theory]
    [InlineData("--bogus=1")]
    [InlineData("-Matcher:Url=x")]
    [InlineData("Matcher:Url=x")]
    public void ConfigurationArguments_NotAKey_Refused(string token) =>
        Assert.Throws<UsageException>(() => ServeCommand.ConfigurationArguments([token]));

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("8h", 28_800)]
    [InlineData("30d", 2_592_000)]
    [InlineData("1.5h", 5_400)]
    public void TryParseDuration_NumberAndUnit_Seconds(string text, int seconds)
    {
        Assert.True(CliOptions.TryParseDuration(text, out var d));
        Assert.Equal(TimeSpan.FromSeconds(seconds), d);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("-5m")]
    [InlineData("0s")]
    [InlineData("401d")]
    [InlineData("1e3s")]
    public void TryParseDuration_Nonsense_False(string text) => Assert.False(CliOptions.TryParseDuration(text, out _));
}
