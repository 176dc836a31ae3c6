using Biometrics.Grpc;
using Biometrics.Matcher.Tokens;

namespace Biometrics.Matcher.Grpc;

/// <summary>The authenticated caller of a call, as put into <see cref="ServerCallContext.Items"/> by <see cref="AuthInterceptor"/>.</summary>
public static class CallerIdentity
{
    private static readonly object s_key = new();

    /// <summary>Stores the identity.</summary>
    public static void Set(ServerCallContext context, BearerIdentity identity) => context.Items[s_key] = identity;

    /// <summary>The identity, or null for unauthenticated services (health).</summary>
    public static BearerIdentity? Get(ServerCallContext context) => context.Items.TryGetValue(s_key, out var v) ? v as BearerIdentity : null;

    /// <summary>"role:subject" for the audit record.</summary>
    public static string Actor(ServerCallContext context) => Get(context) is { } id ? id.Role + ":" + id.Subject : "anonymous";
}
