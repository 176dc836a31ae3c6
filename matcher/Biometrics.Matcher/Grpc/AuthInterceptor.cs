using System.Collections.Frozen;
using Biometrics.Grpc;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Tokens;
using Microsoft.Extensions.Logging;

namespace Biometrics.Matcher.Grpc;

/// <summary>
/// Runs around every call: checks the bearer token (<c>authorization: Bearer bt1...</c>) and the caller's role against the
/// method (UNAUTHENTICATED for a missing or bad token, PERMISSION_DENIED for a role that may not call it), then maps
/// domain failures (<see cref="MatcherException"/>) to gRPC status codes with their reason in the <c>biometrics-reason</c>
/// trailer. <c>grpc.health.v1.Health</c> needs no token (load balancers probe it). Thread-safe.
/// </summary>
public sealed partial class AuthInterceptor : Interceptor
{
    private static readonly FrozenDictionary<string, string[]> s_roles = new Dictionary<string, string[]>
    {
        ["/biometrics.v1.Matcher/Verify"] = [Roles.Gate],
        ["/biometrics.v1.Matcher/GateSession"] = [Roles.Gate],
        ["/biometrics.v1.Matcher/Identify"] = [Roles.Gate, Roles.Operator],
        ["/biometrics.v1.Enrolment/Enrol"] = [Roles.Enrolment],
        ["/biometrics.v1.Enrolment/EnrolStream"] = [Roles.Enrolment],
        ["/biometrics.v1.Enrolment/DeleteSubject"] = [Roles.Enrolment],
        ["/biometrics.v1.Enrolment/GetSubject"] = [Roles.Operator, Roles.Enrolment],
        ["/biometrics.v1.Operations/GetStatus"] = [Roles.Operator],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly BearerTokenService _tokens;
    private readonly ILogger _logger;

    /// <summary>Creates the interceptor.</summary>
    public AuthInterceptor(BearerTokenService tokens, ILogger<AuthInterceptor> logger)
    {
        _tokens = tokens;
        _logger = logger;
    }

    /// <summary>The roles allowed to call <paramref name="method"/> (a <c>/package.Service/Method</c> path), or null when none is needed.</summary>
    public static IReadOnlyList<string>? AllowedRoles(string method) => s_roles.TryGetValue(method, out var r) ? r : null;

    /// <inheritdoc />
    public override Task InterceptAsync(ServerCallContext context, ServerCallContinuation continuation)
    {
        if (context.Method.StartsWith("/grpc.health.v1.Health/", StringComparison.Ordinal))
        {
            return continuation(context);
        }

        if (!s_roles.TryGetValue(context.Method, out var allowed))
        {
            return continuation(context); // unknown methods answer UNIMPLEMENTED
        }

        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            LogDenied(_logger, context.Method, "no bearer token", context.Peer);
            throw Rpc(StatusCode.Unauthenticated, "missing_token", "A bearer token is required (authorization: Bearer <token>).");
        }

        if (!_tokens.TryValidate(header[7..].Trim(), out var identity, out var error))
        {
            LogDenied(_logger, context.Method, error, context.Peer);
            throw Rpc(StatusCode.Unauthenticated, "bad_token", "The bearer token was refused: " + error + ".");
        }

        if (Array.IndexOf(allowed, identity!.Role) < 0)
        {
            LogDenied(_logger, context.Method, "role " + identity.Role, context.Peer);
            throw Rpc(StatusCode.PermissionDenied, "role", $"Role '{identity.Role}' may not call {context.Method}; allowed: {string.Join(", ", allowed)}.");
        }

        CallerIdentity.Set(context, identity);
        var task = continuation(context);
        return task.IsCompletedSuccessfully ? task : MapErrorsAsync(task);
    }

    private static async Task MapErrorsAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (MatcherException ex)
        {
            throw ToRpc(ex);
        }
    }

    /// <summary>The gRPC form of a domain failure.</summary>
    public static RpcException ToRpc(MatcherException ex) => Rpc(ex.Kind switch
    {
        MatcherErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        MatcherErrorKind.NotFound => StatusCode.NotFound,
        MatcherErrorKind.ResourceExhausted => StatusCode.ResourceExhausted,
        MatcherErrorKind.Unauthenticated => StatusCode.Unauthenticated,
        MatcherErrorKind.PermissionDenied => StatusCode.PermissionDenied,
        MatcherErrorKind.DeadlineExceeded => StatusCode.DeadlineExceeded,
        MatcherErrorKind.Unavailable => StatusCode.Unavailable,
        MatcherErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
        _ => StatusCode.Unknown,
    }, ex.Reason, ex.Message);

    private static RpcException Rpc(StatusCode code, string reason, string message) =>
        new(new Status(code, reason + ": " + message), new Metadata().Add("biometrics-reason", reason));

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Refused {Method} from {Peer}: {Why}")]
    private static partial void LogDenied(ILogger logger, string method, string why, string peer);
}
