using System.CommandLine;
using System.CommandLine.Help;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Biometrics.Matcher.Commands;

/// <summary>
/// The matcher's command line on System.CommandLine: <c>serve</c> (the default), <c>calibrate</c>, <c>keys</c> (with
/// <c>qr</c> and <c>token</c>) and <c>help [command]</c>; <c>--help</c> on every command. Unknown commands and options,
/// and bad or missing values, are refused with a message naming the option and exit 2 before anything is done; long
/// arguments are cut in messages. Exit codes: <see cref="ExitCodes"/> (table in docs/MATCHER.md, "Commands").
/// </summary>
public static class MatcherCli
{
    /// <summary>The executable's name in messages.</summary>
    public const string Name = "biometrics-matcher";

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var root = Create(output, error);
        var parse = root.Parse(args);
        var where = CommandPath(parse);
        var prefix = where.Length == 0 ? Name : Name + " " + where;
        // The root must leave unmatched tokens to the action (they are serve's configuration keys), and System.CommandLine
        // applies the root's TreatUnmatchedTokensAsErrors to every command: the other commands refuse them here.
        var command = parse.CommandResult.Command;
        IReadOnlyList<string> unmatched = command is RootCommand || command.Name == "serve" ? [] : parse.UnmatchedTokens;
        if ((parse.Errors.Count > 0 || unmatched.Count > 0) && parse.Action is not HelpAction)
        {
            foreach (var e in parse.Errors) error.WriteLine($"{prefix}: {CliText.Shorten(e.Message, args)}");
            foreach (var t in unmatched) error.WriteLine($"{prefix}: unknown option or argument '{CliText.Cut(t)}'.");
            error.WriteLine(where.Length == 0 ? $"See '{Name} help'." : $"See '{Name} help {where}'.");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null, // serve stops on SIGINT/SIGTERM through the host's own lifetime
        };
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (OptionsValidationException ex)
        {
            error.WriteLine("Invalid configuration:");
            foreach (var failure in ex.Failures) error.WriteLine("  - " + CliText.Shorten(failure, args));
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (ex is UsageException or ArgumentException or FormatException or InvalidDataException
            or FileNotFoundException or DirectoryNotFoundException)
        {
            error.WriteLine($"{prefix}: {CliText.Shorten(ex.Message, args)}");
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException
            or Biometrics.Vision.Face.ExecutionProviderUnavailableException)
        {
            error.WriteLine($"{prefix}: {CliText.Shorten(ex.Message, args)}");
            return ExitCodes.Failed;
        }
    }

    /// <summary>The command tree; help and command output go to <paramref name="output"/>, notes to <paramref name="error"/>.</summary>
    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("The biometrics matcher: the gRPC face-matching service the e-gates call (docs/MATCHER.md). Without a command it serves.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(CalibrateCommand.Create(output));
        root.Subcommands.Add(KeysCommand.Create(output, error));
        root.Subcommands.Add(CreateHelp(root, output, error));
        root.SetAction((parse, _) => ServeCommand.RunAsync(ServeCommand.ConfigurationArguments(parse.UnmatchedTokens)));
        return root;
    }

    private static Command CreateHelp(RootCommand root, TextWriter output, TextWriter error)
    {
        var path = new Argument<string[]>("command") { Description = "The command (and sub-command) to describe, e.g. 'keys token'.", Arity = ArgumentArity.ZeroOrMore };
        var help = new Command("help", "Describe the commands, or one command and its options.") { path };
        help.SetAction((parse, ct) =>
        {
            Command current = root;
            foreach (var word in parse.GetValue(path) ?? [])
            {
                var under = PathOf(root, current);
                current = current.Subcommands.FirstOrDefault(c => c.Name == word)
                    ?? throw new UsageException($"no command '{CliText.Cut(word)}'{(under.Length == 0 ? string.Empty : $" under '{under}'")}; commands: {string.Join(", ", current.Subcommands.Select(c => c.Name))}.");
            }

            var helpArgs = PathOf(root, current).Split(' ', StringSplitOptions.RemoveEmptyEntries).Append("--help").ToArray();
            return root.Parse(helpArgs).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, ct);
        });
        return help;
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r.Parent is System.CommandLine.Parsing.CommandResult parent; r = parent) names.Insert(0, r.Command.Name);
        return string.Join(' ', names);
    }

    private static string PathOf(Command root, Command command)
    {
        if (command == root) return string.Empty;
        foreach (var c in root.Subcommands)
        {
            if (c == command) return c.Name;
            foreach (var s in c.Subcommands)
            {
                if (s == command) return c.Name + " " + s.Name;
            }
        }

        return command.Name;
    }
}
