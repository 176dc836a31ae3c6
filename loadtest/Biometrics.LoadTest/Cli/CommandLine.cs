using System.CommandLine;

namespace Biometrics.LoadTest.Cli;

/// <summary>
/// Entry point of <c>biometrics-load</c>: the commands on System.CommandLine, parse errors refused before anything runs,
/// and failures mapped to the exit codes of <see cref="ExitCodes"/> (docs/LOADTEST.md, "Exit codes").
/// </summary>
public static class CommandLine
{
    /// <summary>The exit codes, as <c>help</c> and docs/LOADTEST.md give them.</summary>
    public const string ExitCodes = """
        Exit codes:
          0  done: every objective met (run), every template enrolled (seed)
          1  run: an objective was missed, a failed call included (--max-error-rate, default 0);
             seed: not every template was enrolled
          2  usage error: unknown command or option, bad value, bad scenario file; nothing was run, no report written
          3  a file could not be read or written
        """;

    /// <summary>Runs the tool with <paramref name="args"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        // "help" and "help COMMAND" are the same as --help; a topic that is not a command is a usage error.
        if (args is ["help", .. var topic])
        {
            if (topic.Length > 1 || (topic.Length == 1 && topic[0] is not ("run" or "seed")))
            {
                return await UsageErrorAsync(stderr, [$"no help for '{CliText.Cut(string.Join(' ', topic))}' (commands: run, seed)"], null).ConfigureAwait(false);
            }

            args = [.. topic, "--help"];
        }

        var root = Root(stdout, stderr, "biometrics-load " + string.Join(' ', args));
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            var command = parsed.CommandResult.Command == root ? null : parsed.CommandResult.Command.Name;
            return await UsageErrorAsync(stderr, parsed.Errors.Select(e => CliText.Shorten(e.Message, args)), command).ConfigureAwait(false);
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
            // Ctrl-C is ours (the run stops, drains and reports), and so are exceptions (mapped to exit codes below).
            var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return await parsed.InvokeAsync(invocation, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is UsageException or ArgumentException or FormatException or System.Text.Json.JsonException)
        {
            // Values the parser cannot see: a scenario file's content, or settings only wrong in combination.
            return await UsageErrorAsync(stderr, [CliText.Shorten(e.Message, args)], parsed.CommandResult.Command.Name).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync("error: " + CliText.Shorten(e.Message, args)).ConfigureAwait(false);
            return 3;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>
    /// The options <paramref name="args"/> give to <paramref name="command"/> (<c>run</c> or <c>seed</c>), parsed and
    /// checked as on the command line; a parse error is a <see cref="UsageException"/>.
    /// </summary>
    public static ArgumentMap Options(string command, params string[] args)
    {
        var parsed = Root(TextWriter.Null, TextWriter.Null, string.Empty).Parse([command, .. args], new ParserConfiguration { ResponseFileTokenReplacer = null });
        return parsed.Errors.Count == 0
            ? LoadOptions.ToMap(parsed)
            : throw new UsageException(string.Join("; ", parsed.Errors.Select(e => CliText.Shorten(e.Message, args))));
    }

    private static RootCommand Root(TextWriter stdout, TextWriter stderr, string commandLine)
    {
        var run = new Command("run", "Run scenarios (--scenario, or --file scenario.json) against the matcher; print a table, write JSON, CSV, Markdown and HTML reports, check the objectives."
            + " Exits 0 when every objective was met, 1 when one was missed or a call failed (--max-error-rate), 2 on a usage error, 3 when a file could not be read or written ('biometrics-load help').");
        foreach (var option in LoadOptions.Run())
        {
            run.Options.Add(option);
        }

        run.SetAction((result, token) => RunCommand.ExecuteAsync(LoadOptions.ToMap(result), commandLine, stdout, stderr, token));

        var seed = new Command("seed", "Enrol seeded synthetic templates (subjects --first .. --first + --count - 1) through Enrolment.EnrolStream; idempotent."
            + " Exits 0 when every template was enrolled, 1 when not, 2 on a usage error, 3 when a file could not be read ('biometrics-load help').");
        foreach (var option in LoadOptions.Seed())
        {
            seed.Options.Add(option);
        }

        seed.SetAction((result, token) => SeedCommand.ExecuteAsync(LoadOptions.ToMap(result), stdout, stderr, token));

        return new RootCommand("biometrics-load: open-model load generator for the biometrics matcher (docs/LOADTEST.md).\n"
            + "'biometrics-load help run' and 'help seed' list each command's options.\n\n" + ExitCodes)
        {
            Subcommands = { run, seed },
        };
    }

    private static async Task<int> UsageErrorAsync(TextWriter stderr, IEnumerable<string> errors, string? command)
    {
        foreach (var error in errors)
        {
            await stderr.WriteLineAsync("error: " + error).ConfigureAwait(false);
        }

        await stderr.WriteLineAsync($"run 'biometrics-load help{(command is null ? string.Empty : " " + command)}' for the options").ConfigureAwait(false);
        return 2;
    }
}
