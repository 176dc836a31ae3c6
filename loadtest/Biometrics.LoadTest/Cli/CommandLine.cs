namespace Biometrics.LoadTest.Cli;

/// <summary>Entry point of <c>biometrics-load</c>: dispatches the command word and maps failures to exit codes.</summary>
public static class CommandLine
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        biometrics-load: open-model load generator for the biometrics matcher (see docs/LOADTEST.md)

        biometrics-load run  --scenario <unary|noop|verify|gate-peak|identify|enrol-burst|mixed> --target http://127.0.0.1:50051 [options]
        biometrics-load run  --file scenario.json [options that override the file]
        biometrics-load seed --target http://127.0.0.1:50051 --count 1000000 [--first 0] [--gallery residents] [--data-seed 1] [--streams 2] [--window 512] [--retries 5]

        load:     --rate N (per second)  --duration 30s  --warmup 5s  --ramp-up 0s  --arrival uniform|poisson
                  --max-in-flight 10000  --drain 10s  --seed 1  --closed N (closed model, N callers; only when asked for)
        unary:    --method /pkg.Service/Method  --body-hex <protobuf hex> | --body-file <protobuf bytes>
        matcher:  --subjects N  --genuine 0.9  --lanes 700  --traveller-interval 12s  --fps 10  --max-probes 30
                  --gallery residents  --gallery-size N  --top-k 5  --budget-ms 2000  --skip-watchlist
                  --watchlist-size 10000  --watchlist-first 1000000000  --data-seed 1  --noise 0.5  --model-id ID
        gate:     --token T | --token-file F  --ca ca.pem  --insecure  --deadline 2s  --connections 4
                  --enrol-token T | --enrol-token-file F (mixed: the enrolment desks' token)
        reports:  --report-dir DIR (default reports/loadtest-<time>)  --report-name report  --title T  --no-progress
        SLOs:     --p50-ms X  --p99-ms X  --p999-ms X  --server-p99-ms X  --min-rps X  --max-error-rate 0.001  --max-drop-rate 0
        exit code: 0 ok, 1 an SLO was missed, 2 usage error, 3 failure
        """;

    /// <summary>Runs the tool with <paramref name="args"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
            return args.Length == 0 ? 2 : 0;
        }

        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var options = ArgumentMap.Parse(args.Skip(1));
            var line = "biometrics-load " + string.Join(' ', args);
            return args[0] switch
            {
                "run" => await RunCommand.ExecuteAsync(options, line, stdout, stderr, cts.Token).ConfigureAwait(false),
                "seed" => await SeedCommand.ExecuteAsync(options, stdout, stderr, cts.Token).ConfigureAwait(false),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            await stderr.WriteLineAsync("run 'biometrics-load help' for the options").ConfigureAwait(false);
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or System.Text.Json.JsonException or ArgumentException)
        {
            await stderr.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return 3;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
