using System.Globalization;
using Biometrics.LoadTest.Data;
using Biometrics.LoadTest.Engine;
using Biometrics.LoadTest.Targets.Matcher;

namespace Biometrics.LoadTest.Cli;

public static partial class ScenarioFactory
{
    /// <summary>Default model id of the synthetic embeddings (fr_feature.onnx, docs/LOADTEST.md "Synthetic data").</summary>
    public const string DefaultModelId = "fr_feature-87aacdfe5751";

    /// <summary>The matcher client and synthetic faces from <c>--target</c>, <c>--data-seed</c>, <c>--dim</c>, <c>--noise</c>, <c>--model-id</c>.</summary>
    public static MatcherClient MatcherClient(ArgumentMap options)
        => new(Connection(options),
            new SyntheticFaces((int)options.Long("dim", 512), (ulong)options.Long("data-seed", 1), options.Double("noise", 0.5)),
            options.String("model-id", DefaultModelId)!);

    private static IReadOnlyList<Scenario> BuildMatcherScenarios(string kind, ArgumentMap options)
    {
        if (!Kinds.Contains(kind))
        {
            throw new UsageException($"unknown scenario '{CliText.Cut(kind)}' (one of: {string.Join(", ", Kinds)})");
        }

        var client = MatcherClient(options);
        var subjects = options.Long("subjects", 1_000_000);
        var genuine = options.Double("genuine", 0.9);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["subjects"] = subjects.ToString("N0", CultureInfo.InvariantCulture),
            ["data seed"] = client.Faces.Seed.ToString(CultureInfo.InvariantCulture),
            ["model id"] = client.ModelId,
        };
        switch (kind)
        {
            case "verify":
                return [Make(options, "verify", new VerifyTarget(client, subjects, genuine, options.Flag("skip-watchlist")), 1000, settings)];
            case "identify":
            {
                var size = options.Long("gallery-size", subjects);
                settings["gallery"] = options.String("gallery", "residents")!;
                return [Make(options, "identify", new IdentifyTarget(client, settings["gallery"], options.Long("gallery-first", 0), size, (int)options.Long("top-k", 5), genuine), 200, settings)];
            }

            case "enrol-burst":
            {
                var galleries = options.String("galleries", "residents")!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                return [Make(options, "enrol-burst", new EnrolTarget(client, options.Long("first-subject", subjects), galleries), 2000, settings)];
            }

            case "gate-peak":
            {
                var lanes = (int)options.Long("lanes", 700);
                var interval = options.Duration("traveller-interval", TimeSpan.FromSeconds(12));
                var fps = options.Double("fps", 10);
                settings["lanes"] = lanes.ToString(CultureInfo.InvariantCulture);
                settings["mean time between travellers per lane"] = interval.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
                settings["camera frames per second per lane"] = fps.ToString("0.#", CultureInfo.InvariantCulture);
                if (!options.Has("max-in-flight"))
                {
                    // A session is a stream that lasts; four per lane is room for a queue without 10,000 of them (docs/LOADTEST.md).
                    options.Set("max-in-flight", (lanes * 4).ToString(CultureInfo.InvariantCulture));
                    settings["max in flight"] = "4 per lane (the gate-peak default)";
                }

                var target = new GateSessionTarget(client, subjects, lanes, fps, (int)options.Long("max-probes", 5), (int)options.Long("budget-ms", 2000), genuine);
                return [Make(options, "gate-peak", target, lanes / interval.TotalSeconds, settings, ArrivalProcess.Poisson)];
            }

            default: // mixed
            {
                var profile = new TrafficProfile();
                var (v, w, e) = profile.Shares;
                settings["profile"] = profile.ToString();
                var watchFirst = options.Long("watchlist-first", 1_000_000_000);
                var watchSize = options.Long("watchlist-size", 10_000);
                var total = profile.TotalPerSecond;
                var galleries = new[] { "residents" };
                var name = options.String("name", "mixed")!;
                options.Set("name", name + "-verify");
                var verify = Make(options, "verify", new VerifyTarget(client, subjects, genuine, skipWatchlist: true), total, settings, ArrivalProcess.Poisson, v);
                options.Set("name", name + "-watchlist");
                var watch = Make(options, "watchlist", new IdentifyTarget(client, "watchlist", watchFirst, watchSize, 1, options.Double("watchlist-hit-share", 0.001)), total, settings, ArrivalProcess.Poisson, w);
                options.Set("name", name + "-enrol");
                // Enrolment desks hold another role than gates: their share uses --enrol-token(-file) when given.
                var desk = Token(options, "enrol-token") is { } deskToken
                    ? new MatcherClient(client.Connection with { BearerToken = deskToken }, client.Faces, client.ModelId)
                    : client;
                var enrol = Make(options, "enrol", new EnrolTarget(desk, options.Long("first-subject", subjects), galleries), total, settings, ArrivalProcess.Poisson, e);
                return [verify, watch, enrol];
            }
        }
    }
}
