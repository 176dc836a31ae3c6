using System.CommandLine;
using Biometrics.Edge.Connection;

namespace Biometrics.Edge.Cli;

/// <summary>
/// Options of the commands that call the matcher: address, TLS files, bearer token, connect timeout and the settings
/// file. Each overrides its <see cref="EdgeConfiguration"/> key (docs/EDGE.md, Configuration). Immutable once added to
/// its command.
/// </summary>
public sealed class MatcherOptions
{
    private readonly Option<string?> _config = CliOptions.Text("--config", "FILE",
        "Settings file (default ./appsettings.json when present); BIOMETRICS_MATCHER__ADDRESS, BIOMETRICS_MATCHER__TOKENFILE, ... override it.");

    private readonly Option<string[]> _matcher = new("--matcher")
    {
        HelpName = "URL",
        Description = $"Matcher address, https://host:port (TLS) or http://host:port (default {EdgeConfiguration.DefaultAddress}, where ./run.sh serves); " +
                      "several (repeated or comma-separated) are balanced over, a matcher gone or NOT_SERVING skipped.",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
        Validators = { result => CheckLength(result) },
    };

    private readonly Option<string?> _ca = CliOptions.Text("--ca", "FILE", "PEM CA certificate that signed the matcher's certificate (https only).");
    private readonly Option<string?> _clientCert = CliOptions.Text("--client-cert", "FILE", "PEM client certificate for mutual TLS.");
    private readonly Option<string?> _clientKey = CliOptions.Text("--client-key", "FILE", "PEM private key of --client-cert (when not in the same file).");
    private readonly Option<string?> _token = CliOptions.Text("--token", "TOKEN", "Bearer token (prefer --token-file: a command line is visible to other users).");
    private readonly Option<string?> _tokenFile;
    private readonly Option<int?> _connectTimeoutMs = CliOptions.Int("--connect-timeout-ms", "N", "Connection timeout in milliseconds (default 1000).", 10, 60_000);

    /// <summary>Adds the options to <paramref name="command"/>; <paramref name="tokenHint"/> says which token file it needs.</summary>
    public MatcherOptions(Command command, string tokenHint)
    {
        ArgumentNullException.ThrowIfNull(command);
        _tokenFile = CliOptions.Text("--token-file", "FILE", $"File holding the bearer token ({tokenHint}).");
        foreach (var option in new Option[] { _matcher, _tokenFile, _token, _ca, _clientCert, _clientKey, _connectTimeoutMs, _config })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The settings file (or <c>./appsettings.json</c>) and the environment.</summary>
    /// <exception cref="CommandLineException">The <c>--config</c> file does not exist.</exception>
    public EdgeConfiguration Configuration(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        return EdgeConfiguration.Load(parsed.GetValue(_config));
    }

    /// <summary>The connection options: <paramref name="configuration"/> overridden by the command line.</summary>
    /// <exception cref="CommandLineException">A bad address or a missing token file.</exception>
    public MatcherConnectionOptions Connection(ParseResult parsed, EdgeConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(configuration);
        var matchers = parsed.GetValue(_matcher);
        return configuration.Connection(matchers is { Length: > 0 } ? string.Join(',', matchers) : null, parsed.GetValue(_ca), parsed.GetValue(_clientCert), parsed.GetValue(_clientKey),
            parsed.GetValue(_token), parsed.GetValue(_tokenFile), parsed.GetValue(_connectTimeoutMs));
    }

    private static void CheckLength(System.CommandLine.Parsing.OptionResult result)
    {
        foreach (var token in result.Tokens)
        {
            if (token.Value.Length is 0 or > 4096)
            {
                result.AddError($"--matcher must be 1 to 4096 characters, not {token.Value.Length}");
            }
        }
    }
}
