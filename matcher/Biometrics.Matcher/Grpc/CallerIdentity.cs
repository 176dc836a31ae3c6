using Biometrics.Grpc;
using Biometrics.Matcher.Security;

namespace Biometrics.Matcher.Grpc;

/// <summary>The authenticated caller of a call, as put into <see cref="ServerCallContext.Items"/> by <see cref="AuthInterceptor"/>.</summary>
public static class CallerIdentity
{
    private static readonly object s_key = new();

    /// <summary>Stores the verified bearer token claims (caller name, role, gate id).</summary>
    public static void Set(ServerCallContext context, BearerClaims claims) => context.Items[s_key] = claims;

    /// <summary>The verified claims, or null for unauthenticated services (health).</summary>
    public static BearerClaims? Get(ServerCallContext context) => context.Items.TryGetValue(s_key, out var v) ? v as BearerClaims : null;

    /// <summary>"role:subject" for the audit record.</summary>
    public static string Actor(ServerCallContext context) => Get(context) is { } c ? RolePolicy.ToWireName(c.Role) + ":" + c.Subject : "anonymous";
}
