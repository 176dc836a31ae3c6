using System.Runtime.CompilerServices;
using System.Security.Claims;
using Biometrics.Matcher.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

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
/// <c>role</c> naming the roles the method allows. Refusals are logged through <see cref="RefusalLog"/> (the first in
/// full, then counted). One small instance per request: it implements
/// <see cref="IAuthenticationHandler"/> directly rather than deriving from <c>AuthenticationHandler&lt;T&gt;</c>, which
/// creates a logger and reads its options on every request (the cost is measured in docs/MATCHER.md, "Transport").
/// </summary>
public sealed class BearerAuthenticationHandler(BearerTokenValidator tokens, RefusalLog refusals) : IAuthenticationHandler
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "Bearer";

    // Read-only once built: nothing adds identities or claims to these principals.
    private static readonly ConditionalWeakTable<BearerClaims, AuthenticateResult> s_results = new();

    private HttpContext _context = null!;
    private AuthenticateResult? _result;

    /// <inheritdoc />
    public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context)
    {
        _context = context;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<AuthenticateResult> AuthenticateAsync() => Task.FromResult(_result ??= Authenticate());

    private AuthenticateResult Authenticate()
    {
        string? header = _context.Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var result = tokens.Validate(header);
        if (!result.IsValid)
        {
            return AuthenticateResult.Fail(result.Failure + ": " + result.Message);
        }

        // The validator hands back the same claims object for a token it has verified before, so the principal and
        // ticket built for it are reused instead of allocated on every call (docs/PERFORMANCE.md, "gRPC stack").
        return s_results.GetValue(result.Claims!, static c =>
            AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new BearerIdentity(c)), SchemeName)));
    }

    /// <inheritdoc />
    public Task ChallengeAsync(AuthenticationProperties? properties)
    {
        var result = _result ??= Authenticate();
        if (result.Failure is { } failure)
        {
            refusals.Refused("bad_token", _context.Request.Path, Peer, RpcErrors.Sanitise(failure.Message, 128));
            var why = failure.Message.IndexOf(": ", StringComparison.Ordinal) is var i and >= 0 ? failure.Message[(i + 2)..] : failure.Message;
            return RpcErrors.WriteTrailersOnlyAsync(_context, StatusCode.Unauthenticated, "bad_token", "The bearer token was refused: " + RpcErrors.Sanitise(why, 128) + ".");
        }

        refusals.Refused("missing_token", _context.Request.Path, Peer, "no bearer token");
        return RpcErrors.WriteTrailersOnlyAsync(_context, StatusCode.Unauthenticated, "missing_token", "A bearer token is required (authorization: Bearer <token>).");
    }

    /// <inheritdoc />
    public Task ForbidAsync(AuthenticationProperties? properties)
    {
        var role = _context.User.Identity is BearerIdentity id ? RolePolicy.ToWireName(id.Bearer.Role) : "none";
        refusals.Refused("role", _context.Request.Path, Peer, "role " + role);
        var policies = _context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>() ?? [];
        var allowed = policies.Count == 0 ? [] : policies
            .Select(p => (IEnumerable<ServiceRole>?)MatcherPolicies.AllowedRoles(p.Policy ?? "") ?? [])
            .Aggregate((a, b) => a.Intersect(b));
        var method = RpcErrors.Sanitise(_context.Request.Path.Value, 128);
        return RpcErrors.WriteTrailersOnlyAsync(_context, StatusCode.PermissionDenied, "role",
            $"Role '{role}' may not call {method}; allowed: {string.Join(", ", allowed.Select(RolePolicy.ToWireName))}.");
    }

    private string Peer => _context.Connection.RemoteIpAddress + ":" + _context.Connection.RemotePort;
}
