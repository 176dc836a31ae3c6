using Biometrics.Edge.Connection;
using Google.Protobuf;
using Grpc.Core;

namespace Biometrics.Edge.Cli;

/// <summary>
/// What the query commands (<c>status</c>, <c>subject get</c>, <c>subject delete</c>) share: the deadline of their one
/// call, the JSON form of an answer, and an error message that says what to do (docs/EDGE.md, Matcher queries).
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

    /// <summary>The error line for a failed call (without the <c>error: </c> prefix).</summary>
    public static string Describe(RpcException e, MatcherConnectionOptions options, string tokenHint) => e.StatusCode switch
    {
        StatusCode.Unauthenticated or StatusCode.PermissionDenied =>
            $"the matcher refused the call ({e.StatusCode}: {e.Status.Detail}); it needs {tokenHint}",
        StatusCode.Unavailable or StatusCode.DeadlineExceeded =>
            $"the matcher at {options.Address} did not answer ({e.StatusCode}: {e.Status.Detail}); is it running (./run.sh)?",
        _ => $"the matcher answered {e.StatusCode}: {e.Status.Detail}",
    };
}
