using System.Globalization;
using System.Text.Json;
using Biometrics.LoadTest.Engine;
using Biometrics.LoadTest.Targets;

namespace Biometrics.LoadTest.Cli;

/// <summary>
/// Turns options (command line or one entry of a scenario file) into scenarios: the load phases from
/// <c>--rate</c>, <c>--ramp-up</c>, <c>--warmup</c>, <c>--duration</c> (or an explicit <c>simulations</c>
/// list, or <c>--closed N</c> for a closed model), and the target from <c>--scenario</c>.
/// </summary>
public static partial class ScenarioFactory
{
    /// <summary>The scenario kinds <c>--scenario</c> accepts.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["unary", "noop", "verify", "gate-peak", "identify", "enrol-burst", "mixed"];

    /// <summary>Builds the scenarios one option map describes (one, or several for <c>mixed</c>).</summary>
    public static IReadOnlyList<Scenario> Build(ArgumentMap options)
    {
        var kind = options.String("scenario", options.Has("method") ? "unary" : null)
            ?? throw new UsageException($"--scenario is required (one of: {string.Join(", ", Kinds)})");
        return kind switch
        {
            "noop" => [Make(options, "noop", new NoOpTarget(), 1000, new Dictionary<string, string>())],
            "unary" => [BuildUnary(options)],
            _ => BuildMatcherScenarios(kind, options),
        };
    }

    /// <summary>Connection settings from <c>--target</c> (default <see cref="LoadOptions.DefaultTarget"/>), <c>--token</c>/<c>--token-file</c>, <c>--ca</c>, <c>--insecure</c>, <c>--deadline</c>, <c>--connections</c>.</summary>
    public static ConnectionOptions Connection(ArgumentMap options)
    {
        // Checked on the command line already; a scenario file's value is checked here.
        var target = options.String("target", LoadOptions.DefaultTarget)!;
        if (LoadOptions.CheckTarget(target) is { } error)
        {
            throw new UsageException(error);
        }

        var addresses = Biometrics.Edge.Connection.BalancedChannel.Parse(target, out _)!;
        return new ConnectionOptions
        {
            Address = addresses[0],
            Addresses = addresses,
            BearerToken = Token(options, "token"),
            CaCertificateFile = options.String("ca"),
            InsecureSkipVerify = options.Flag("insecure"),
            Deadline = options.Has("deadline") ? options.Duration("deadline", TimeSpan.Zero) : null,
            Connections = (int)options.Long("connections", 4),
        };
    }

    /// <summary>The bearer token from <c>--NAME</c> or the file named by <c>--NAME-file</c> (which wins), or null.</summary>
    public static string? Token(ArgumentMap options, string name)
        => options.String(name + "-file") is { } file ? File.ReadAllText(file).Trim() : options.String(name);

    /// <summary>
    /// Builds a scenario around <paramref name="target"/>. Timeline (open model): a linear ramp over
    /// <c>--ramp-up</c>, then <c>--warmup</c> at full rate, then <c>--duration</c> at full rate; ramp and warm-up
    /// are not measured. <c>--closed N</c> replaces it with N back-to-back callers (closed model).
    /// </summary>
    public static Scenario Make(ArgumentMap options, string defaultName, ILoadTarget target, double defaultRate, IDictionary<string, string> settings,
        ArrivalProcess defaultArrival = ArrivalProcess.Uniform, double share = 1.0)
    {
        var name = options.String("name", defaultName)!;
        var rate = options.Double("rate", defaultRate) * share;
        var duration = options.Duration("duration", TimeSpan.FromSeconds(30));
        var warmUp = options.Duration("warmup", TimeSpan.FromSeconds(5));
        var rampUp = options.Duration("ramp-up", TimeSpan.Zero);
        var arrival = options.String("arrival", defaultArrival.ToString())!.ToLowerInvariant() switch
        {
            "uniform" => ArrivalProcess.Uniform,
            "poisson" => ArrivalProcess.Poisson,
            var a => throw new UsageException($"--arrival must be uniform or poisson, got '{CliText.Cut(a)}'"),
        };

        List<LoadSimulation> simulations;
        TimeSpan excluded;
        if (options.Simulations is { } json)
        {
            simulations = ParseSimulations(json);
            excluded = warmUp;
        }
        else if (options.Has("closed"))
        {
            simulations = [new LoadSimulation.KeepConstant((int)options.Long("closed", 1), warmUp + duration)];
            excluded = warmUp;
        }
        else
        {
            simulations = [];
            if (rampUp > TimeSpan.Zero)
            {
                simulations.Add(new LoadSimulation.RampingInject(rate, TimeSpan.FromSeconds(1), rampUp));
            }

            simulations.Add(new LoadSimulation.Inject(rate, TimeSpan.FromSeconds(1), warmUp + duration));
            excluded = rampUp + warmUp;
        }

        var all = new Dictionary<string, string>(settings, StringComparer.Ordinal);
        if (!options.Has("closed") && options.Simulations is null)
        {
            all["rate"] = rate.ToString("0.###", CultureInfo.InvariantCulture) + "/s";
        }

        return new Scenario(name, target, simulations)
        {
            WarmUp = excluded,
            MaxInFlight = (int)options.Long("max-in-flight", 10_000),
            Arrival = arrival,
            Seed = (int)options.Long("seed", 1),
            DrainTimeout = options.Duration("drain", TimeSpan.FromSeconds(10)),
            Settings = all,
        };
    }

    /// <summary>
    /// Parses a scenario file's <c>simulations</c>: a list of objects such as
    /// <c>{"inject": {"rate": 100, "interval": "1s", "during": "30s"}}</c>, <c>rampingInject</c>, <c>pause</c>,
    /// <c>keepConstant</c> (<c>{"copies": 8, "during": "30s"}</c>).
    /// </summary>
    public static List<LoadSimulation> ParseSimulations(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Array)
        {
            throw new UsageException("simulations must be a list");
        }

        var list = new List<LoadSimulation>();
        foreach (var item in json.EnumerateArray())
        {
            var prop = item.EnumerateObject().SingleOrDefault();
            if (prop.Value.ValueKind != JsonValueKind.Object)
            {
                throw new UsageException("each simulation is an object with one key: inject, rampingInject, pause or keepConstant");
            }

            var args = ArgumentMap.FromJson(prop.Value);
            var during = args.Duration("during", TimeSpan.Zero);
            var interval = args.Duration("interval", TimeSpan.FromSeconds(1));
            list.Add(prop.Name.ToLowerInvariant() switch
            {
                "inject" => new LoadSimulation.Inject(args.Double("rate", 0), interval, during),
                "rampinginject" or "ramping-inject" => new LoadSimulation.RampingInject(args.Double("rate", 0), interval, during),
                "pause" => new LoadSimulation.Pause(during),
                "keepconstant" or "keep-constant" => new LoadSimulation.KeepConstant((int)args.Long("copies", 1), during),
                var other => throw new UsageException($"unknown simulation '{CliText.Cut(other)}'"),
            });
        }

        return list;
    }

    private static Scenario BuildUnary(ArgumentMap options)
    {
        var method = options.String("method", "/grpc.health.v1.Health/Check")!;
        byte[] body = options.String("body-file") is { } file ? File.ReadAllBytes(file)
            : Convert.FromHexString(options.String("body-hex", string.Empty)!);
        var connection = Connection(options);
        if (connection.Addresses.Count > 1)
        {
            throw new UsageException("--target: the unary scenario calls one server; several addresses are balanced over by the matcher scenarios only");
        }

        var target = new RawUnaryGrpcTarget(connection, method, body);
        return Make(options, "unary", target, 1000, new Dictionary<string, string>
        {
            ["method"] = method,
            ["request bytes"] = body.Length.ToString(CultureInfo.InvariantCulture),
            ["connections"] = connection.Connections.ToString(CultureInfo.InvariantCulture),
        });
    }
}
