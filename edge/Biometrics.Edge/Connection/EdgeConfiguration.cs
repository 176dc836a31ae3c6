using System.Globalization;
using Biometrics.Edge.Cli;
using Microsoft.Extensions.Configuration;

namespace Biometrics.Edge.Connection;

/// <summary>
/// Settings of the gate and enrolment commands, layered lowest to highest: built-in defaults, <c>appsettings.json</c> in
/// the working directory (or the file given by <c>--config</c>), environment variables prefixed <c>BIOMETRICS_</c>
/// (<c>BIOMETRICS_MATCHER__ADDRESS</c>, <c>BIOMETRICS_MATCHER__TOKEN</c>, <c>BIOMETRICS_LANE__LANEID</c>, ...), then the
/// command line. Keys: <c>Matcher:Address</c>, <c>Matcher:CaFile</c>, <c>Matcher:ClientCertificateFile</c>,
/// <c>Matcher:ClientKeyFile</c>, <c>Matcher:Token</c>, <c>Matcher:TokenFile</c>, <c>Matcher:ConnectTimeoutMs</c>,
/// <c>Lane:GateId</c>, <c>Lane:LaneId</c>, <c>Lane:BudgetMs</c>.
/// </summary>
public sealed class EdgeConfiguration
{
    /// <summary>Command-line options every matcher-facing command accepts.</summary>
    public static readonly string[] ValueOptions = ["config", "matcher", "ca", "client-cert", "client-key", "token", "token-file", "connect-timeout-ms"];

    /// <summary>Usage lines for <see cref="ValueOptions"/>.</summary>
    public const string Usage =
        "  --matcher URL            matcher address, https://host:port (TLS) or http://host:port (default http://127.0.0.1:5080)\n" +
        "  --ca FILE                PEM CA certificate that signed the matcher's certificate\n" +
        "  --client-cert FILE       PEM client certificate for mutual TLS (--client-key FILE for its key)\n" +
        "  --token TOKEN            bearer token (or --token-file FILE)\n" +
        "  --connect-timeout-ms N   connection timeout (default 1000)\n" +
        "  --config FILE            settings file (default ./appsettings.json when present); environment variables\n" +
        "                           BIOMETRICS_MATCHER__ADDRESS, BIOMETRICS_MATCHER__TOKEN, BIOMETRICS_LANE__LANEID, ... override it";

    private EdgeConfiguration(IConfiguration configuration) => Configuration = configuration;

    /// <summary>The merged configuration (file and environment; the command line is applied by the accessors).</summary>
    public IConfiguration Configuration { get; }

    /// <summary>Loads the file (when present) and the environment.</summary>
    /// <exception cref="CommandLineException">An explicitly given <c>--config</c> file does not exist.</exception>
    public static EdgeConfiguration Load(CommandArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = new ConfigurationBuilder();
        var file = args.Value("config");
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                throw new CommandLineException($"--config '{file}' does not exist");
            }

            builder.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }
        else
        {
            builder.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables("BIOMETRICS_");
        return new EdgeConfiguration(builder.Build());
    }

    /// <summary>The connection options: configuration, overridden by the command line.</summary>
    public MatcherConnectionOptions Connection(CommandArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var m = Configuration.GetSection("Matcher");
        var options = new MatcherConnectionOptions
        {
            Address = args.Value("matcher") ?? m["Address"] ?? "http://127.0.0.1:5080",
            CaFile = args.Value("ca") ?? m["CaFile"],
            ClientCertificateFile = args.Value("client-cert") ?? m["ClientCertificateFile"],
            ClientKeyFile = args.Value("client-key") ?? m["ClientKeyFile"],
            Token = args.Value("token") ?? m["Token"],
            TokenFile = args.Value("token-file") ?? m["TokenFile"],
        };
        var timeout = args.Int("connect-timeout-ms", Int(m["ConnectTimeoutMs"], "Matcher:ConnectTimeoutMs", 1000), 10, 60_000);
        options.ConnectTimeout = TimeSpan.FromMilliseconds(timeout);
        if (!Uri.TryCreate(options.Address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CommandLineException($"matcher address '{options.Address}' must be http://host:port or https://host:port");
        }

        if (options.TokenFile is not null && options.Token is null && !File.Exists(options.TokenFile))
        {
            throw new CommandLineException($"token file '{options.TokenFile}' does not exist");
        }

        return options;
    }

    /// <summary>A string setting: command line <paramref name="option"/>, else configuration <paramref name="key"/>, else <paramref name="fallback"/>.</summary>
    public string Text(CommandArguments args, string option, string key, string fallback) =>
        args.Value(option) ?? Configuration[key] ?? fallback;

    /// <summary>A whole-number setting within [min, max]: command line, configuration, fallback.</summary>
    public int Number(CommandArguments args, string option, string key, int fallback, int min, int max) =>
        args.Int(option, Int(Configuration[key], key, fallback), min, max);

    private static int Int(string? text, string key, int fallback)
    {
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new CommandLineException($"setting {key} must be a whole number, not '{text}'");
    }
}
