using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Biometrics.Vision.Imaging;
using Grpc.Core;

namespace Biometrics.Edge.Cli;

/// <summary>
/// Parses a command line with System.CommandLine, reports what is wrong with it (unknown command or option, bad or
/// missing value: exit code 2, message naming the option, long arguments cut), prints help (<c>--help</c>, <c>-h</c>,
/// <c>help COMMAND</c>), runs the command and maps its failures to exit codes. The table is in docs/EDGE.md.
/// Thread-safe (stateless; each run gets its own command tree from <see cref="Program.CreateRootCommand"/>).
/// </summary>
public static class CommandDispatcher
{
    /// <summary>Exit code of a successful run.</summary>
    public const int Success = 0;

    /// <summary>Exit code when the command ran but failed (unreadable image, missing models, matcher refused, not found, ...).</summary>
    public const int Failure = 1;

    /// <summary>Exit code for a wrong command line.</summary>
    public const int UsageError = 2;

    /// <summary>Response files (<c>@file</c>) are not read: an argument starting with <c>@</c> is taken as it is.</summary>
    private static readonly ParserConfiguration s_parserConfiguration = new() { ResponseFileTokenReplacer = null };

    /// <summary>Runs <paramref name="args"/> against the commands of <paramref name="root"/>.</summary>
    public static async Task<int> RunAsync(RootCommand root, string[] args, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var invocation = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            // Failures are mapped to exit codes below; Ctrl+C is handled by Program (its token reaches the command).
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        if (args.Length == 0)
        {
            await root.Parse(["--help"], s_parserConfiguration).InvokeAsync(invocation, context.CancellationToken).ConfigureAwait(false);
            return UsageError;
        }

        if (args[0] == "help" && !args.Skip(1).Any(a => a.StartsWith('-')))
        {
            // help COMMAND [SUBCOMMAND]: the command's --help; an unknown name is an error.
            Command current = root;
            foreach (var name in args.Skip(1))
            {
                var next = current.Subcommands.FirstOrDefault(c => c.Name == name || c.Aliases.Contains(name));
                if (next is null)
                {
                    return await UsageAsync(context, args, $"unknown command '{name}'", "biometrics-gate help").ConfigureAwait(false);
                }

                current = next;
            }

            args = [.. args.Skip(1), "--help"];
        }

        var parsed = root.Parse(args, s_parserConfiguration);
        var commandPath = string.Join(' ', parsed.Tokens.Where(t => t.Type == TokenType.Command).Select(t => t.Value));
        var hint = commandPath.Length == 0 ? "biometrics-gate --help" : $"biometrics-gate {commandPath} --help";
        if (parsed.Action is not HelpAction && Problem(parsed) is { } problem)
        {
            return await UsageAsync(context, args, problem, hint).ConfigureAwait(false);
        }

        try
        {
            return await parsed.InvokeAsync(invocation, context.CancellationToken).ConfigureAwait(false);
        }
        catch (CommandLineException e)
        {
            return await UsageAsync(context, args, e.Message, hint).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return Failure;
        }
        catch (RpcException e)
        {
            await context.Error.WriteLineAsync(CliText.Shorten($"error: the matcher answered {e.StatusCode}: {e.Status.Detail}", args)).ConfigureAwait(false);
            return Failure;
        }
        catch (Exception e) when (e is ImageDecodeException or IOException or UnauthorizedAccessException or DllNotFoundException
                                      or InvalidDataException or OpenCvSharp.OpenCVException)
        {
            await context.Error.WriteLineAsync(CliText.Shorten($"error: {e.Message}", args)).ConfigureAwait(false);
            return Failure;
        }
    }

    /// <summary>
    /// What is wrong with the command line, or null: an unknown option (a token that looks like one but was taken as
    /// an argument), an unknown command or an extra argument, else System.CommandLine's own errors (a bad value names
    /// its option).
    /// </summary>
    private static string? Problem(ParseResult parsed)
    {
        foreach (var token in parsed.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
            {
                break;
            }

            if (token.Type == TokenType.Argument && LooksLikeOption(token.Value))
            {
                return $"unknown option '{token.Value}'";
            }
        }

        if (parsed.UnmatchedTokens.Count > 0)
        {
            var first = parsed.UnmatchedTokens[0];
            return parsed.CommandResult.Command is RootCommand ? $"unknown command '{first}'" : $"unexpected argument '{first}'";
        }

        return parsed.Errors.Count == 0 ? null : string.Join("\nerror: ", parsed.Errors.Select(e => e.Message).Distinct(StringComparer.Ordinal));
    }

    // -x or --xyz; not "-" (standard input) nor a negative number.
    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-' && (char.IsAsciiLetter(token[1]) || (token[1] == '-' && token.Length > 2));

    private static async Task<int> UsageAsync(CommandContext context, IReadOnlyList<string> args, string message, string hint)
    {
        await context.Error.WriteLineAsync(CliText.Shorten($"error: {message}", args) + $"\n(see '{hint}')").ConfigureAwait(false);
        return UsageError;
    }
}
