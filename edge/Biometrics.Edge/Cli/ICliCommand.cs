namespace Biometrics.Edge.Cli;

/// <summary>One command of the <c>biometrics-gate</c> command line.</summary>
public interface ICliCommand
{
    /// <summary>The word that selects the command (e.g. <c>detect</c>).</summary>
    string Name { get; }

    /// <summary>One line for the command list.</summary>
    string Summary { get; }

    /// <summary>Usage text: synopsis and options.</summary>
    string Usage { get; }

    /// <summary>Runs the command with the arguments after its name. Returns the exit code (0 = success).</summary>
    /// <exception cref="CommandLineException">Bad arguments (the dispatcher prints the usage and returns 2).</exception>
    Task<int> RunAsync(IReadOnlyList<string> args, CommandContext context);
}
