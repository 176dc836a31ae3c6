using System.CommandLine;
using System.CommandLine.Parsing;

namespace Biometrics.LoadTest.Cli;

/// <summary>
/// The options of <c>biometrics-load run</c> and <c>seed</c>, declared for System.CommandLine: every option has help, and
/// a value that does not parse (or is out of range) is a parse error that names the option, so nothing runs. Values
/// that parse reach the commands as text in an <see cref="ArgumentMap"/> (the form scenario files share), read back with
/// the same parsers (<see cref="ArgumentMap.ParseNumber"/>, <see cref="ArgumentMap.ParseInteger"/>,
/// <see cref="ArgumentMap.ParseDuration"/>). Defaults live where the values are used; the descriptions repeat them.
/// </summary>
public static class LoadOptions
{
    /// <summary>Where <c>./run.sh</c> serves the matcher (plain-text HTTP/2, development mode).</summary>
    public const string DefaultTarget = "http://127.0.0.1:50051";

    /// <summary>The options of <c>seed</c>.</summary>
    public static IReadOnlyList<Option> Seed() =>
    [
        .. Connection("enrolment.token"),
        Integer("--count", "N", "templates to enrol (default 1,000,000)", min: 1),
        Integer("--first", "N", "first subject number (default 0)", min: 0),
        Text("--gallery", "G[,G]", "galleries to enrol into (default residents)"),
        Integer("--streams", "N", "parallel EnrolStream calls (default 2)", min: 1),
        Integer("--window", "N", "requests unanswered per stream (default 512)", min: 1),
        Integer("--retries", "N", "times a stream is reopened after a transient failure (default 5; UNAUTHENTICATED, PERMISSION_DENIED, INVALID_ARGUMENT and UNIMPLEMENTED are not retried)", min: 0),
        Text("--acked-file", "FILE", "write the subject id of every acknowledged (ENROLLED) enrolment to FILE, one a line (default none)"),
        .. Data(),
    ];

    /// <summary>The options of <c>run</c>.</summary>
    public static IReadOnlyList<Option> Run() =>
    [
        Text("--scenario", "KIND", $"what one step is: {string.Join(", ", ScenarioFactory.Kinds)} (docs/LOADTEST.md)",
            v => ScenarioFactory.Kinds.Contains(v) ? null : $"unknown scenario '{CliText.Cut(v)}' (one of: {string.Join(", ", ScenarioFactory.Kinds)})"),
        ExistingFile("--file", "scenario.json", "scenario file (JSON, the same options in camelCase or kebab-case); flags override it"),
        Text("--name", "NAME", "scenario name in the reports (default the scenario kind)"),
        Number("--rate", "N", "steps per second (default 1000; identify 200, enrol-burst 2000, gate-peak lanes / --traveller-interval, mixed 109.7 in total)", min: 0),
        Duration("--duration", "measured time (default 30s)"),
        Duration("--warmup", "time at full rate before measuring (default 5s)"),
        Duration("--ramp-up", "linear ramp to --rate before the warm-up (default 0s)"),
        Text("--arrival", "uniform|poisson", "arrival process (default uniform; gate-peak and mixed poisson)",
            v => v.ToLowerInvariant() is "uniform" or "poisson" ? null : $"--arrival must be uniform or poisson, got '{CliText.Cut(v)}'"),
        Integer("--max-in-flight", "N", "steps in flight at most; one due beyond it is counted DROPPED (default 10,000; gate-peak 4 per lane)", min: 1),
        Duration("--drain", "wait for steps in flight after the last arrival (default 10s)"),
        Integer("--seed", "N", "seed of the arrival times and step choices (default 1)"),
        Integer("--closed", "N", "closed model: N back-to-back callers instead of a rate (only when asked for)", min: 1),
        Text("--method", "/pkg.Service/Method", "unary: the gRPC method (default /grpc.health.v1.Health/Check)"),
        Text("--body-hex", "HEX", "unary: the request message as protobuf bytes in hex (default empty)",
            v => v.Length % 2 == 0 && v.All(char.IsAsciiHexDigit) ? null : $"--body-hex expects hexadecimal bytes, got '{CliText.Cut(v)}'"),
        ExistingFile("--body-file", "FILE", "unary: the request message as a file of protobuf bytes"),
        .. Connection("gate.token"),
        Text("--enrol-token", "TOKEN", "mixed: the enrolment desks' bearer token (a gate token may not enrol)"),
        ExistingFile("--enrol-token-file", "FILE", "mixed: file holding the desks' token (./run.sh writes .data/keys/enrolment.token)"),
        Integer("--subjects", "N", "seeded subjects 0..N-1 that verify and gate sessions pick from (default 1,000,000)", min: 1),
        Number("--genuine", "X", "share of genuine probes (default 0.9)", min: 0, max: 1),
        Flag("--skip-watchlist", "verify: ask the matcher to skip watchlist screening (the 1:1 path alone)"),
        Integer("--lanes", "N", "gate-peak: lanes (default 700)", min: 1),
        Duration("--traveller-interval", "gate-peak: mean time between travellers per lane (default 12s)"),
        Number("--fps", "X", "gate-peak: camera frames per second per lane; a further probe goes on the first frame after the matcher's RETRY and 150 ms after the last (default 10)", min: 0.001),
        Integer("--max-probes", "N", "gate-peak: probes per traveller at most, as the edge agent (default 5)", min: 1),
        Integer("--budget-ms", "N", "gate-peak: a session's time budget (default 2000)", min: 1),
        Text("--gallery", "G", "identify: the gallery searched (default residents)"),
        Integer("--gallery-size", "N", "identify: seeded subjects in the gallery (default --subjects)", min: 1),
        Integer("--gallery-first", "N", "identify: first subject of the gallery (default 0)", min: 0),
        Integer("--top-k", "N", "identify: candidates asked for (default 5)", min: 1),
        Text("--galleries", "G[,G]", "enrol-burst: galleries to enrol into (default residents)"),
        Integer("--first-subject", "N", "enrol-burst and mixed: first subject enrolled (default --subjects)", min: 0),
        Integer("--watchlist-size", "N", "mixed: seeded watchlist subjects (default 10,000)", min: 0),
        Integer("--watchlist-first", "N", "mixed: first watchlist subject (default 1,000,000,000)", min: 0),
        Number("--watchlist-hit-share", "X", "mixed: share of watchlist probes that are of a listed subject (default 0.001)", min: 0, max: 1),
        .. Data(),
        Text("--report-dir", "DIR", "where the reports go (default reports/loadtest-<UTC time>)"),
        Text("--report-name", "NAME", "report file name without extension (default report)"),
        Text("--title", "TITLE", "report title (default the scenario names)"),
        Flag("--no-progress", "no progress line on stderr"),
        Number("--p50-ms", "X", "objective: p50 latency at most X ms", min: 0),
        Number("--p99-ms", "X", "objective: p99 latency at most X ms", min: 0),
        Number("--p999-ms", "X", "objective: p99.9 latency at most X ms", min: 0),
        Number("--server-p99-ms", "X", "objective: p99 of the server-reported time at most X ms", min: 0),
        Number("--min-rps", "X", "objective: successful steps per second at least X", min: 0),
        Number("--max-error-rate", "X", "objective: share of failed steps at most X (default 0: a run whose calls fail exits 1)", min: 0, max: 1),
        Number("--max-drop-rate", "X", "objective: share of dropped steps at most X", min: 0, max: 1),
    ];

    /// <summary>The keys a scenario file may use: the names of <see cref="Run"/>'s options.</summary>
    public static IReadOnlySet<string> RunKeys { get; } =
        Run().Select(o => ArgumentMap.Normalise(o.Name[2..])).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The options given on the command line (not the defaults) as text, keyed by name without <c>--</c>.</summary>
    public static ArgumentMap ToMap(ParseResult result)
    {
        var map = new ArgumentMap();
        foreach (var option in result.CommandResult.Command.Options)
        {
            if (result.GetResult(option) is not { Implicit: false } given)
            {
                continue;
            }

            if (option is Option<bool> flag)
            {
                map.Set(option.Name[2..], result.GetValue(flag) ? "true" : "false");
            }
            else if (given.Tokens.Count > 0)
            {
                map.Set(option.Name[2..], given.Tokens[^1].Value);
            }
        }

        return map;
    }

    /// <summary>Null when <paramref name="value"/> is one matcher address or several, comma-separated, of one scheme; else
    /// the message.</summary>
    internal static string? CheckTarget(string value)
    {
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                return $"--target must be http://host:port or https://host:port, got '{CliText.Cut(part)}'";
            }
        }

        return Biometrics.Edge.Connection.BalancedChannel.Parse(value, out var error) is null ? "--target: " + error : null;
    }

    private static IEnumerable<Option> Connection(string tokenFile) =>
    [
        Text("--target", "URL", $"the matcher: http://host:port (h2c) or https://host:port (TLS) (default {DefaultTarget}, what ./run.sh serves); " +
            "several, comma-separated, are balanced over (matcher scenarios), a matcher gone or NOT_SERVING skipped", CheckTarget),
        Text("--token", "TOKEN", "bearer token sent as 'authorization: Bearer TOKEN'"),
        ExistingFile("--token-file", "FILE", $"file holding the bearer token, wins over --token (./run.sh writes .data/keys/{tokenFile})"),
        ExistingFile("--ca", "ca.pem", "PEM file of a private CA to trust (https:// targets)"),
        Flag("--insecure", "do not check the server certificate (tests only)"),
        Duration("--deadline", "gRPC deadline on every unary call (default none)"),
        Integer("--connections", "N", "HTTP/2 connections for unary calls (default 4)", min: 1),
    ];

    private static IEnumerable<Option> Data() =>
    [
        Integer("--data-seed", "N", "seed of the synthetic templates; seed and run must agree (default 1)"),
        Number("--noise", "X", "length of the noise added to a genuine probe (default 0.5)", min: 0),
        Integer("--dim", "N", "template dimension (default 512)", min: 1),
        Text("--model-id", "ID", $"model id sent with the templates (default {ScenarioFactory.DefaultModelId})"),
    ];

    private static Option<string> Text(string name, string valueName, string description, Func<string, string?>? check = null)
    {
        var option = new Option<string>(name) { Description = description, HelpName = valueName };
        if (check is not null)
        {
            option.Validators.Add(result =>
            {
                if (result.Tokens.Count > 0 && check(result.Tokens[^1].Value) is { } error)
                {
                    result.AddError(error);
                }
            });
        }

        return option;
    }

    private static Option<string> ExistingFile(string name, string valueName, string description)
        => Text(name, valueName, description, v => File.Exists(v) ? null : $"{name}: no file '{CliText.Cut(v)}'");

    private static Option<double> Number(string name, string valueName, string description, double min = double.MinValue, double max = double.MaxValue)
        => Parsed<double>(name, valueName, description, t => ArgumentMap.ParseNumber(t) is { } v && v >= min && v <= max ? v : null,
            min == double.MinValue ? "a number" : max == double.MaxValue ? $"a number >= {min:0.###}" : $"a number from {min:0.###} to {max:0.###}");

    private static Option<long> Integer(string name, string valueName, string description, long min = long.MinValue)
        => Parsed<long>(name, valueName, description, t => ArgumentMap.ParseInteger(t) is { } v && v >= min ? v : null,
            min == long.MinValue ? "an integer" : $"an integer >= {min}");

    private static Option<TimeSpan> Duration(string name, string description)
        => Parsed<TimeSpan>(name, "DURATION", description, t => ArgumentMap.ParseDuration(t), "a duration like 500ms, 30s, 2m or 1h");

    private static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    private static Option<T> Parsed<T>(string name, string valueName, string description, Func<string, T?> parse, string expected)
        where T : struct
        => new(name)
        {
            Description = description,
            HelpName = valueName,
            CustomParser = result =>
            {
                if (result.Tokens.Count == 0)
                {
                    return default;
                }

                var text = result.Tokens[^1].Value;
                if (parse(text) is { } value)
                {
                    return value;
                }

                result.AddError($"{name} expects {expected}, got '{CliText.Cut(text)}'");
                return default;
            },
        };
}
