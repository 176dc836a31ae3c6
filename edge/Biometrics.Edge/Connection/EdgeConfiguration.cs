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
    /// <summary>The matcher address when none is configured: where <c>./run.sh</c> serves.</summary>
    public const string DefaultAddress = "http://127.0.0.1:50051";

    private EdgeConfiguration(IConfiguration configuration) => Configuration = configuration;

    /// <summary>The merged configuration (file and environment; the command line is applied by the accessors).</summary>
    public IConfiguration Configuration { get; }

    /// <summary>Loads <paramref name="file"/> (else <c>./appsettings.json</c> when present) and the environment.</summary>
    /// <exception cref="CommandLineException">An explicitly given <c>--config</c> file does not exist.</exception>
    public static EdgeConfiguration Load(string? file)
    {
        var builder = new ConfigurationBuilder();
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

    /// <summary>The connection options: configuration, overridden by the command-line values that are not null.</summary>
    /// <exception cref="CommandLineException">A bad address, a missing token file, or a bad configured timeout.</exception>
    public MatcherConnectionOptions Connection(string? address, string? caFile, string? clientCertificateFile, string? clientKeyFile,
        string? token, string? tokenFile, int? connectTimeoutMs)
    {
        var m = Configuration.GetSection("Matcher");
        var options = new MatcherConnectionOptions
        {
            Address = address ?? m["Address"] ?? DefaultAddress,
            CaFile = caFile ?? m["CaFile"],
            ClientCertificateFile = clientCertificateFile ?? m["ClientCertificateFile"],
            ClientKeyFile = clientKeyFile ?? m["ClientKeyFile"],
            Token = token ?? m["Token"],
            TokenFile = tokenFile ?? m["TokenFile"],
            ConnectTimeout = TimeSpan.FromMilliseconds(connectTimeoutMs ?? Int(m["ConnectTimeoutMs"], "Matcher:ConnectTimeoutMs", 1000, 10, 60_000)),
        };
        if (BalancedChannel.Parse(options.Address, out var error) is null)
        {
            throw new CommandLineException(error!);
        }

        if (options.TokenFile is not null && options.Token is null && !File.Exists(options.TokenFile))
        {
            throw new CommandLineException($"token file '{options.TokenFile}' does not exist");
        }

        return options;
    }

    /// <summary>A string setting: <paramref name="commandLine"/>, else configuration <paramref name="key"/>, else <paramref name="fallback"/>.</summary>
    public string Text(string? commandLine, string key, string fallback) => commandLine ?? Configuration[key] ?? fallback;

    /// <summary>A whole-number setting: <paramref name="commandLine"/> (already range-checked by its option), else
    /// configuration <paramref name="key"/> within [min, max], else <paramref name="fallback"/>.</summary>
    public int Number(int? commandLine, string key, int fallback, int min, int max) =>
        commandLine ?? Int(Configuration[key], key, fallback, min, max);

    private static int Int(string? text, string key, int fallback, int min, int max)
    {
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new CommandLineException($"setting {key} must be a whole number from {min} to {max}, not '{text}'");
    }
}
