using Biometrics.Edge.Connection;
using Google.Protobuf;
using Grpc.Core;

namespace Biometrics.Edge.Cli;

/// <summary>
/// What the query commands (<c>status</c>, <c>subject get</c>, <c>subject delete</c>) share: the deadline of their one
/// call, how it is made and reported, the JSON form of an answer, and an error message that says what to do (docs/EDGE.md, Matcher queries).
/// </summary>
internal static class MatcherCall
{
    /// <summary>Deadline of a query call.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    // The proto field names (snake_case, like the other JSON of this tool), default values included.
    private static readonly JsonFormatter s_json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithPreserveProtoFieldNames(true));

    /// <summary>Call options with the bearer token and the <see cref="Deadline"/>.</summary>
    public static CallOptions Options(MatcherConnection connection, CancellationToken cancellationToken) =>
        connection.CallOptions(DateTime.UtcNow + Deadline, cancellationToken);

    /// <summary>One JSON object for <paramref name="message"/>.</summary>
    public static string Json(IMessage message) => s_json.Format(message);

    /// <summary>Makes one query call and reports it: the answer as JSON or as <paramref name="text"/> on standard output, or
    /// one error line (a subject the matcher does not know, when <paramref name="subjectId"/> is given, or what
    /// <see cref="Describe"/> says). Returns the exit code.</summary>
    public static async Task<int> RunAsync<T>(CommandContext context, MatcherConnectionOptions options, string tokenHint, string? subjectId,
        Func<MatcherConnection, CallOptions, AsyncUnaryCall<T>> call, bool json, Func<T, string> text)
        where T : IMessage
    {
        using var connection = new MatcherConnection(options);
        T response;
        try
        {
            response = await call(connection, Options(connection, context.CancellationToken)).ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e) when (subjectId is not null && e.StatusCode == StatusCode.NotFound)
        {
            await context.Error.WriteLineAsync($"error: subject '{CliText.Cut(subjectId)}' is not enrolled").ConfigureAwait(false);
            return CommandDispatcher.Failure;
        }
        catch (RpcException e) when (!context.CancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("error: " + Describe(e, options, tokenHint)).ConfigureAwait(false);
            return CommandDispatcher.Failure;
        }

        await context.Out.WriteLineAsync(json ? Json(response) : text(response)).ConfigureAwait(false);
        return CommandDispatcher.Success;
    }

    /// <summary>The error line for a failed call (without the <c>error: </c> prefix).</summary>
    public static string Describe(RpcException e, MatcherConnectionOptions options, string tokenHint) => e.StatusCode switch
    {
        StatusCode.Unauthenticated or StatusCode.PermissionDenied =>
            $"the matcher refused the call ({e.StatusCode}: {e.Status.Detail}); it needs {tokenHint}",
        StatusCode.Unavailable or StatusCode.DeadlineExceeded =>
            $"the matcher at {options.Address} did not answer ({e.StatusCode}: {e.Status.Detail}); is it running (./run.sh)?",
        // A status the client made itself (it carries the client's exception): no matcher answered. Seen as Internal,
        // now and then, while the balancer's address list changed with every matcher down.
        _ when e.Status.DebugException is not null =>
            $"the matcher at {options.Address} did not answer ({e.StatusCode}: {e.Status.Detail}); is it running (./run.sh)?",
        _ => $"the matcher answered {e.StatusCode}: {e.Status.Detail}",
    };
}
