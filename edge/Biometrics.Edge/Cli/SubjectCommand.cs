using System.CommandLine;

namespace Biometrics.Edge.Cli;

/// <summary><c>subject get ID</c> and <c>subject delete ID</c>: one enrolled subject, through the Enrolment service.</summary>
public sealed class SubjectCommand : Command
{
    /// <summary>Creates the command and its sub-commands; they write to <paramref name="context"/>.</summary>
    public SubjectCommand(CommandContext context)
        : base("subject", "Read (subject get ID, operator token) or erase (subject delete ID, enrolment token) an enrolled subject.")
    {
        Subcommands.Add(new SubjectGetCommand(context));
        Subcommands.Add(new SubjectDeleteCommand(context));
    }
}
