using System.Security.Claims;
using System.Text.Encodings.Web;
using Biometrics.Matcher.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Biometrics.Matcher.Grpc;

/// <summary>The caller behind a valid bearer token (docs/POLICY.md section 6): its verified claims.</summary>
public sealed class BearerIdentity(BearerClaims claims) : ClaimsIdentity(BearerAuthenticationHandler.SchemeName)
{
    /// <summary>Caller name, role, gate id, validity and key id.</summary>
    public BearerClaims Bearer { get; } = claims;

    /// <inheritdoc />
    public override string? Name => Bearer.Subject;
}

/// <summary>
/// The <c>Bearer</c> authentication scheme over <see cref="BearerTokenValidator"/> (<c>authorization: Bearer bt1...</c>).
/// A refused call is answered as gRPC, trailers-only, exactly as before the move to ASP.NET Core authorization
/// (docs/SECURITY.md): UNAUTHENTICATED with reason <c>missing_token</c> or <c>bad_token</c>, PERMISSION_DENIED with reason
/// <c>role</c> naming the roles the method allows. One instance per request.
/// </summary>
public sealed partial class BearerAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, BearerTokenValidator tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "Bearer";

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var result = tokens.Validate(header);
        if (!result.IsValid)
        {
            return Task.FromResult(AuthenticateResult.Fail(result.Failure + ": " + result.Message));
        }

        var principal = new ClaimsPrincipal(new BearerIdentity(result.Claims!));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        if (result.Failure is { } failure)
        {
            LogDenied(Logger, Request.Path, RpcErrors.Sanitise(failure.Message, 128), Peer);
            var why = failure.Message.IndexOf(": ", StringComparison.Ordinal) is var i and >= 0 ? failure.Message[(i + 2)..] : failure.Message;
            await RpcErrors.WriteTrailersOnlyAsync(Context, StatusCode.Unauthenticated, "bad_token", "The bearer token was refused: " + RpcErrors.Sanitise(why, 128) + ".").ConfigureAwait(false);
            return;
        }

        LogDenied(Logger, Request.Path, "no bearer token", Peer);
        await RpcErrors.WriteTrailersOnlyAsync(Context, StatusCode.Unauthenticated, "missing_token", "A bearer token is required (authorization: Bearer <token>).").ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var role = Context.User.Identity is BearerIdentity id ? RolePolicy.ToWireName(id.Bearer.Role) : "none";
        LogDenied(Logger, Request.Path, "role " + role, Peer);
        var policies = Context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>() ?? [];
        var allowed = policies.Count == 0 ? [] : policies
            .Select(p => (IEnumerable<ServiceRole>?)MatcherPolicies.AllowedRoles(p.Policy ?? "") ?? [])
            .Aggregate((a, b) => a.Intersect(b));
        var method = RpcErrors.Sanitise(Request.Path.Value, 128);
        return RpcErrors.WriteTrailersOnlyAsync(Context, StatusCode.PermissionDenied, "role",
            $"Role '{role}' may not call {method}; allowed: {string.Join(", ", allowed.Select(RolePolicy.ToWireName))}.");
    }

    private string Peer => Context.Connection.RemoteIpAddress + ":" + Context.Connection.RemotePort;

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Refused {Method} from {Peer}: {Why}")]
    private static partial void LogDenied(ILogger logger, string? method, string why, string peer);
}
