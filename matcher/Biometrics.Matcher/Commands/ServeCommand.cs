using System.CommandLine;
using System.Text.RegularExpressions;
using Biometrics.Matcher.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Biometrics.Matcher.Commands;

/// <summary>
/// <c>biometrics-matcher [serve] [--Section:Key=value ...]</c>: runs the service until SIGINT/SIGTERM. Its only arguments
/// are ASP.NET Core configuration keys (<c>--Matcher:Url=...</c>, or <c>--Matcher:Url ...</c>), handed to
/// <see cref="MatcherHost.Build"/>; anything else (<c>--bogus</c>, a stray word) is refused before the host is built.
/// </summary>
public static partial class ServeCommand
{
    /// <summary>What the help says about the command.</summary>
    public const string Description =
        "Run the matcher service (the default command) until Ctrl-C or SIGTERM. Its settings are configuration keys, "
        + "given as --Section:Key=value (e.g. --Matcher:Url=http://127.0.0.1:50051 --Matcher:Security:DevelopmentMode=true "
        + "--Matcher:Redis:Configuration=127.0.0.1:6379), after appsettings.json and Matcher__* environment variables; "
        + "every key is listed in docs/MATCHER.md and docs/SECURITY.md. An invalid configuration is listed whole and exits 2.";

    /// <summary>The <c>serve</c> command.</summary>
    public static Command Create()
    {
        var command = new Command("serve", Description) { TreatUnmatchedTokensAsErrors = false };
        command.SetAction((parse, _) => RunAsync(ConfigurationArguments(parse.UnmatchedTokens)));
        return command;
    }

    /// <summary>Runs the host with <paramref name="configuration"/> (checked by <see cref="ConfigurationArguments"/>).</summary>
    public static async Task<int> RunAsync(string[] configuration)
    {
        var app = MatcherHost.Build(configuration);
        await using (app.ConfigureAwait(false))
        {
            await app.RunAsync().ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    /// <summary>The tokens the parser left over, checked to be configuration keys (<c>--A:B=value</c>, or
    /// <c>--A:B</c> followed by its value).</summary>
    /// <exception cref="UsageException">A token that is neither.</exception>
    public static string[] ConfigurationArguments(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            var key = KeyPattern().Match(t);
            if (!key.Success)
            {
                throw new UsageException(t.StartsWith('-')
                    ? $"unknown option '{CliText.Cut(t)}'; configuration keys are given as --Section:Key=value (e.g. --Matcher:Url=http://127.0.0.1:50051)"
                    : $"unknown command or argument '{CliText.Cut(t)}'; commands: serve, calibrate, keys, help");
            }

            if (key.Groups["value"].Success) continue;
            if (i + 1 >= tokens.Count || tokens[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"configuration key '{CliText.Cut(t)}' needs a value (--Section:Key=value)");
            }

            i++;
        }

        return [.. tokens];
    }

    // --Section:Key[:Sub...][=value]: at least one ':' so that a mistyped option (--bogus) is not taken for a key.
    [GeneratedRegex(@"^--[A-Za-z][A-Za-z0-9_.-]*(:[A-Za-z0-9_.-]+)+(?<value>=.*)?$", RegexOptions.Singleline)]
    private static partial Regex KeyPattern();
}
