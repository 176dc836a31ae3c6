using System.CommandLine;
using Biometrics.Edge.Connection;
using Biometrics.Protos.V1;
using Grpc.Core;

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

    private async Task<int> RunAsync(ParseResult parsed)
    {
        var id = parsed.GetRequiredValue(_id);
        var request = new DeleteSubjectRequest { SubjectId = id, RequestId = parsed.GetValue(_requestId) ?? "delete-" + Guid.NewGuid().ToString("N") };
        var options = _matcher.Connection(parsed, _matcher.Configuration(parsed));
        using var connection = new MatcherConnection(options);
        DeleteSubjectResponse response;
        try
        {
            response = await connection.Enrolment.DeleteSubjectAsync(request, MatcherCall.Options(connection, _context.CancellationToken))
                .ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            await _context.Error.WriteLineAsync($"error: subject '{CliText.Cut(id)}' is not enrolled").ConfigureAwait(false);
            return CommandDispatcher.Failure;
        }
        catch (RpcException e) when (!_context.CancellationToken.IsCancellationRequested)
        {
            await _context.Error.WriteLineAsync("error: " + MatcherCall.Describe(e, options, TokenHint)).ConfigureAwait(false);
            return CommandDispatcher.Failure;
        }

        await _context.Out.WriteLineAsync(parsed.GetValue(_json)
            ? MatcherCall.Json(response)
            : $"deleted subject {CliText.Cut(id)} (subject key {response.SubjectKey}, request {request.RequestId})").ConfigureAwait(false);
        return CommandDispatcher.Success;
    }
}
