using System.CommandLine;

namespace Biometrics.Edge.Cli;

/// <summary>
/// <c>help [COMMAND]</c>: listed in the help like the other commands; <see cref="CommandDispatcher"/> turns it into
/// <c>COMMAND --help</c> (an unknown name is a usage error), so its own action only runs for a bare <c>help</c>.
/// </summary>
public sealed class HelpCommand : Command
{
    /// <summary>Creates the command.</summary>
    public HelpCommand()
        : base("help", "Show the help of a command (biometrics-gate help subject get), or the list of commands.")
    {
        Arguments.Add(new Argument<string[]>("COMMAND") { Description = "The command (and sub-command) to describe.", Arity = ArgumentArity.ZeroOrMore });
    }
}
