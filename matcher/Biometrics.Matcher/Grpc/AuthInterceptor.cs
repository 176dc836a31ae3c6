using System.Collections.Frozen;
using Biometrics.Grpc;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Security;
using Microsoft.Extensions.Logging;

namespace Biometrics.Matcher.Grpc;

/// <summary>
/// Runs around every call: checks the bearer token (<c>authorization: Bearer b1...</c>, docs/POLICY.md section 6) and
/// whether the caller's role may perform one of the method's operations (<see cref="RolePolicy"/>): UNAUTHENTICATED for
/// a missing or bad token, PERMISSION_DENIED for a role that may not call it. It then maps domain failures
/// (<see cref="MatcherException"/>) to gRPC status codes with their reason in the <c>biometrics-reason</c> trailer.
/// <c>grpc.health.v1.Health</c> needs no token (load balancers probe it). Thread-safe.
/// </summary>
public sealed partial class AuthInterceptor : Interceptor
{
    // A method is allowed when the caller's role may perform ANY of its operations.
    private static readonly FrozenDictionary<string, ServiceOperation[]> s_operations = new Dictionary<string, ServiceOperation[]>
    {
        ["/biometrics.v1.Matcher/Verify"] = [ServiceOperation.Match],
        ["/biometrics.v1.Matcher/GateSession"] = [ServiceOperation.Match],
        ["/biometrics.v1.Matcher/Identify"] = [ServiceOperation.Match, ServiceOperation.Search], // a lane's 1:N, or an officer's search
        ["/biometrics.v1.Enrolment/Enrol"] = [ServiceOperation.Enrol],
        ["/biometrics.v1.Enrolment/EnrolStream"] = [ServiceOperation.Enrol],
        ["/biometrics.v1.Enrolment/DeleteSubject"] = [ServiceOperation.Delete],
        ["/biometrics.v1.Enrolment/GetSubject"] = [ServiceOperation.Read, ServiceOperation.Enrol], // an enrolment desk reads back what it enrols
        ["/biometrics.v1.Operations/GetStatus"] = [ServiceOperation.Read],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly ServiceRole[] s_allRoles = [ServiceRole.Gate, ServiceRole.Enrolment, ServiceRole.Operator];

    private readonly BearerTokenValidator _tokens;
    private readonly ILogger _logger;

    /// <summary>Creates the interceptor.</summary>
    public AuthInterceptor(BearerTokenValidator tokens, ILogger<AuthInterceptor> logger)
    {
        _tokens = tokens;
        _logger = logger;
    }

    /// <summary>The operations a call of <paramref name="method"/> (a <c>/package.Service/Method</c> path) performs, or null when it needs no token.</summary>
    public static IReadOnlyList<ServiceOperation>? Operations(string method) => s_operations.TryGetValue(method, out var o) ? o : null;

    /// <summary>The roles allowed to call <paramref name="method"/>, or null when none is needed.</summary>
    public static IReadOnlyList<ServiceRole>? AllowedRoles(string method) =>
        s_operations.TryGetValue(method, out var ops) ? Array.FindAll(s_allRoles, r => IsAllowed(r, ops)) : null;

    /// <inheritdoc />
    public override Task InterceptAsync(ServerCallContext context, ServerCallContinuation continuation)
    {
        if (context.Method.StartsWith("/grpc.health.v1.Health/", StringComparison.Ordinal))
        {
            return continuation(context);
        }

        if (!s_operations.TryGetValue(context.Method, out var operations))
        {
            return continuation(context); // unknown methods answer UNIMPLEMENTED
        }

        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            LogDenied(_logger, context.Method, "no bearer token", context.Peer);
            throw Rpc(StatusCode.Unauthenticated, "missing_token", "A bearer token is required (authorization: Bearer <token>).");
        }

        var result = _tokens.Validate(header);
        if (!result.IsValid)
        {
            LogDenied(_logger, context.Method, result.Failure + ": " + result.Message, context.Peer);
            throw Rpc(StatusCode.Unauthenticated, "bad_token", "The bearer token was refused: " + result.Message + ".");
        }

        var identity = result.Claims!;
        if (!IsAllowed(identity.Role, operations))
        {
            var role = RolePolicy.ToWireName(identity.Role);
            LogDenied(_logger, context.Method, "role " + role, context.Peer);
            var allowed = string.Join(", ", AllowedRoles(context.Method)!.Select(RolePolicy.ToWireName));
            throw Rpc(StatusCode.PermissionDenied, "role", $"Role '{role}' may not call {context.Method}; allowed: {allowed}.");
        }

        CallerIdentity.Set(context, identity);
        var task = continuation(context);
        return task.IsCompletedSuccessfully ? task : MapErrorsAsync(task);
    }

    private static bool IsAllowed(ServiceRole role, ServiceOperation[] operations)
    {
        foreach (var op in operations)
        {
            if (RolePolicy.IsAllowed(role, op)) return true;
        }

        return false;
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
