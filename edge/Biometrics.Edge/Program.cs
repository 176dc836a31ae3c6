using Biometrics.Edge.Cli;

namespace Biometrics.Edge;

/// <summary>
/// Entry point of <c>biometrics-gate</c>: the gate agent and the face pipeline command line. Commands are looked
/// up by name in <see cref="Commands"/>; each lives in its own file. To add one, write an <see cref="ICliCommand"/>
/// and add an instance to the table.
/// </summary>
public static class Program
{
    /// <summary>The command table, in the order <c>help</c> lists them.</summary>
    public static IReadOnlyList<ICliCommand> Commands { get; } =
    [
        // Face pipeline (Cli/)
        new DetectCommand(),
        new EmbedCommand(),
        new CompareCommand(),
        new EvalPairsCommand(),

        // Gate agent commands (gate, enrol) are added here.
        new Gate.GateCommand(), new Enrolment.EnrolCommand(),
    ];

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
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default) =>
        CommandDispatcher.RunAsync(Commands, args, new CommandContext(stdout, stderr, cancellationToken));
}
