using Biometrics.Matcher.Security;
using Grpc.Core;

namespace Biometrics.Matcher.Grpc;

/// <summary>The authenticated caller of a call, as established by <see cref="BearerAuthenticationHandler"/> on the
/// call's <c>HttpContext.User</c>.</summary>
public static class CallerIdentity
{
    /// <summary>The verified claims, or null for unauthenticated services (health, reflection).</summary>
    public static BearerClaims? Get(ServerCallContext context) => context.GetHttpContext().User.Identity is BearerIdentity id ? id.Bearer : null;

    /// <summary>"role:subject" for the audit record.</summary>
    public static string Actor(ServerCallContext context) => Get(context) is { } c ? RolePolicy.ToWireName(c.Role) + ":" + c.Subject : "anonymous";
}
