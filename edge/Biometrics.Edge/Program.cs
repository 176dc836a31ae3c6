using System.CommandLine;
using Biometrics.Edge.Cli;

namespace Biometrics.Edge;

/// <summary>
/// Entry point of <c>biometrics-gate</c>: the gate agent, the enrolment desk, matcher queries and the face pipeline
/// command line on System.CommandLine. Each command is a <see cref="Command"/> in its own file; to add one, add an
/// instance to <see cref="CreateRootCommand"/>. Exit codes: docs/EDGE.md.
/// </summary>
public static class Program
{
    /// <summary>Process entry point: runs a command with the console's writers; Ctrl+C cancels it.</summary>
    public static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return await RunAsync(args, Console.Out, Console.Error, cancel.Token).ConfigureAwait(false);
    }

    /// <summary>Runs one command line with the given writers (used in-process by tests). Returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var context = new CommandContext(stdout, stderr, cancellationToken);
        return CommandDispatcher.RunAsync(CreateRootCommand(context), args, context);
    }

    /// <summary>The command tree, in the order help lists it; the commands write to <paramref name="context"/>.</summary>
    public static RootCommand CreateRootCommand(CommandContext context) =>
        new("biometrics-gate: the gate agent, the enrolment desk, matcher queries and the face pipeline.\n" +
            "Exit codes: 0 success, 1 the command failed, 2 bad command line (docs/EDGE.md).")
        {
            // Gate agent, enrolment desk and matcher queries
            new Gate.GateCommand(context),
            new Enrolment.EnrolCommand(context),
            new StatusCommand(context),
            new SubjectCommand(context),

            // Face pipeline and test material
            new DetectCommand(context),
            new EmbedCommand(context),
            new CompareCommand(context),
            new EvalPairsCommand(context),
            new MakeVideoCommand(context),
            new HelpCommand(),
        };
}
