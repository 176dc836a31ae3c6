using Biometrics.Vision.Imaging;

namespace Biometrics.Edge.Cli;

/// <summary>Selects the command by its first argument, prints help, and maps failures to exit codes.</summary>
public static class CommandDispatcher
{
    /// <summary>Exit code of a successful run.</summary>
    public const int Success = 0;

    /// <summary>Exit code when the command ran but failed (unreadable image, missing models, ...).</summary>
    public const int Failure = 1;

    /// <summary>Exit code for a wrong command line.</summary>
    public const int UsageError = 2;

    /// <summary>Runs <paramref name="args"/> against <paramref name="commands"/>.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<ICliCommand> commands, string[] args, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            var topic = args.Length > 1 ? commands.FirstOrDefault(c => c.Name == args[1]) : null;
            await context.Out.WriteLineAsync(topic?.Usage ?? Overview(commands)).ConfigureAwait(false);
            return args.Length == 0 ? UsageError : Success;
        }

        var command = commands.FirstOrDefault(c => string.Equals(c.Name, args[0], StringComparison.Ordinal));
        if (command is null)
        {
            await context.Error.WriteLineAsync($"error: unknown command '{args[0]}'\n\n{Overview(commands)}").ConfigureAwait(false);
            return UsageError;
        }

        var rest = args.Skip(1).ToArray();
        if (rest.Any(a => a is "--help" or "-h"))
        {
            await context.Out.WriteLineAsync(command.Usage).ConfigureAwait(false);
            return Success;
        }

        try
        {
            return await command.RunAsync(rest, context).ConfigureAwait(false);
        }
        catch (CommandLineException e)
        {
            await context.Error.WriteLineAsync($"error: {e.Message}\n\nusage: {command.Usage}").ConfigureAwait(false);
            return UsageError;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return Failure;
        }
        catch (Exception e) when (e is ImageDecodeException or IOException or UnauthorizedAccessException or DllNotFoundException
                                      or InvalidDataException)
        {
            await context.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return Failure;
        }
    }

    private static string Overview(IReadOnlyList<ICliCommand> commands)
    {
        var width = commands.Max(c => c.Name.Length) + 2;
        var lines = commands.Select(c => $"  {c.Name.PadRight(width)}{c.Summary}");
        return "usage: biometrics-gate <command> [arguments]   (biometrics-gate help <command> for details)\n\ncommands:\n" +
               string.Join('\n', lines);
    }
}
