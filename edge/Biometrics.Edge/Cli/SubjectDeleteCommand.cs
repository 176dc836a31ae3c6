using System.CommandLine;
using Biometrics.Protos.V1;

namespace Biometrics.Edge.Cli;

/// <summary><c>subject delete ID</c>: erases a subject on every matcher replica (Enrolment.DeleteSubject).</summary>
public sealed class SubjectDeleteCommand : Command
{
    private const string TokenHint = "an enrolment token: --token-file .data/keys/enrolment.token under ./run.sh";

    private readonly Argument<string> _id = SubjectGetCommand.SubjectId();
    private readonly Option<string?> _requestId = CliOptions.Text("--request-id", "ID", "Request id recorded in the matcher's audit log (default: a new one).", 64);
    private readonly Option<bool> _json = CliOptions.Flag("--json", "Print the answer as one JSON object.");
    private readonly MatcherOptions _matcher;
    private readonly CommandContext _context;

    /// <summary>Creates the command; it writes to <paramref name="context"/>.</summary>
    public SubjectDeleteCommand(CommandContext context)
        : base("delete", "Erase an enrolled subject: template and gallery memberships (enrolment token). Exit code 1 when it is not enrolled.")
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        Arguments.Add(_id);
        Options.Add(_requestId);
        Options.Add(_json);
        _matcher = new MatcherOptions(this, TokenHint);
        SetAction((parsed, _) => RunAsync(parsed));
    }

    private Task<int> RunAsync(ParseResult parsed)
    {
        var id = parsed.GetRequiredValue(_id);
        var request = new DeleteSubjectRequest { SubjectId = id, RequestId = parsed.GetValue(_requestId) ?? "delete-" + Guid.NewGuid().ToString("N") };
        return MatcherCall.RunAsync(_context, _matcher.Connection(parsed, _matcher.Configuration(parsed)), TokenHint, id,
            (connection, call) => connection.Enrolment.DeleteSubjectAsync(request, call), parsed.GetValue(_json),
            response => $"deleted subject {CliText.Cut(id)} (subject key {response.SubjectKey}, request {request.RequestId})");
    }
}
