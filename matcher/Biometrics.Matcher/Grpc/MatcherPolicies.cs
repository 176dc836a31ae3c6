using System.Collections.Frozen;
using System.Reflection;
using ProtoService = Google.Protobuf.Reflection.ServiceDescriptor;
using Biometrics.Matcher.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection;
using EnrolmentApi = Biometrics.Protos.V1.Enrolment;
using MatcherApi = Biometrics.Protos.V1.Matcher;
using OperationsApi = Biometrics.Protos.V1.Operations;
using PeerApi = Biometrics.Protos.V1.MatcherPeer;

namespace Biometrics.Matcher.Grpc;

/// <summary>
/// The authorization policies of the gRPC methods (docs/SECURITY.md, "Roles"): each names the operations a method
/// performs, and a caller passes when its role may perform ANY of them (<see cref="RolePolicy"/>). Every service method
/// carries its policy in <c>[Authorize(Policy = ...)]</c>; methods without one (health, reflection) need no token.
/// </summary>
public static class MatcherPolicies
{
    /// <summary>1:1 verification and gate sessions (gate).</summary>
    public const string Match = "match";

    /// <summary>1:N identification: a lane's search or an officer's (gate or operator).</summary>
    public const string MatchOrSearch = "match-or-search";

    /// <summary>The search of one part of a split gallery, matcher to matcher (operator: the token a matcher signs for its peers).</summary>
    public const string Search = "search";

    /// <summary>Enrolment (enrolment desk).</summary>
    public const string Enrol = "enrol";

    /// <summary>Erasure (enrolment desk).</summary>
    public const string Delete = "delete";

    /// <summary>Status and configuration (operator).</summary>
    public const string Read = "read";

    /// <summary>Subject metadata: an operator, or an enrolment desk reading back what it enrols.</summary>
    public const string ReadOrEnrol = "read-or-enrol";

    private static readonly FrozenDictionary<string, ServiceOperation[]> s_operations = new Dictionary<string, ServiceOperation[]>
    {
        [Match] = [ServiceOperation.Match],
        [MatchOrSearch] = [ServiceOperation.Match, ServiceOperation.Search],
        [Search] = [ServiceOperation.Search],
        [Enrol] = [ServiceOperation.Enrol],
        [Delete] = [ServiceOperation.Delete],
        [Read] = [ServiceOperation.Read],
        [ReadOrEnrol] = [ServiceOperation.Read, ServiceOperation.Enrol],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly ServiceRole[] s_allRoles = [ServiceRole.Gate, ServiceRole.Enrolment, ServiceRole.Operator];

    // The services by full name: their descriptor and the class that implements them.
    private static readonly FrozenDictionary<string, (ProtoService Descriptor, Type Implementation)> s_services =
        new (ProtoService Descriptor, Type Implementation)[]
        {
            (MatcherApi.Descriptor, typeof(MatcherGrpcService)),
            (EnrolmentApi.Descriptor, typeof(EnrolmentGrpcService)),
            (OperationsApi.Descriptor, typeof(OperationsGrpcService)),
            (PeerApi.Descriptor, typeof(PeerGrpcService)),
        }.ToFrozenDictionary(s => s.Descriptor.FullName, StringComparer.Ordinal);

    /// <summary>Registers the policies. They rely on the authentication middleware having authenticated the call with
    /// the default scheme (<see cref="BearerAuthenticationHandler.SchemeName"/>), so the token is checked once and no
    /// second principal is built per call.</summary>
    public static IServiceCollection AddMatcherPolicies(this IServiceCollection services)
    {
        // The authorization services are stateless; ASP.NET Core registers them transient, so every call would build
        // a policy evaluator, an authorization service and its handler list anew (docs/MATCHER.md, "Transport").
        // Registered first as singletons, AddAuthorization keeps these.
        services.AddSingleton<IAuthorizationHandlerProvider, DefaultAuthorizationHandlerProvider>();
        services.AddSingleton<IAuthorizationService, DefaultAuthorizationService>();
        services.AddSingleton<IPolicyEvaluator, PolicyEvaluator>();
        return services.AddAuthorization(o =>
        {
            foreach (var (name, operations) in s_operations)
            {
                o.AddPolicy(name, p => p
                    .RequireAuthenticatedUser()
                    .RequireAssertion(c => c.User.Identity is BearerIdentity id && IsAllowed(id.Bearer.Role, operations)));
            }
        });
    }

    /// <summary>The roles a policy admits, or null for an unknown policy.</summary>
    public static IReadOnlyList<ServiceRole>? AllowedRoles(string policy) =>
        s_operations.TryGetValue(policy, out var ops) ? Array.FindAll(s_allRoles, r => IsAllowed(r, ops)) : null;

    /// <summary>The policy on the implementation of <paramref name="method"/> (a <c>/package.Service/Method</c> path), or
    /// null when the method needs no token (health, reflection) or does not exist.</summary>
    public static string? PolicyOf(string method)
    {
        var slash = method.LastIndexOf('/');
        if (slash <= 1 || method[0] != '/' || !s_services.TryGetValue(method[1..slash], out var service)) return null;
        if (service.Descriptor.FindMethodByName(method[(slash + 1)..]) is null) return null;
        var implementation = service.Implementation.GetMethod(method[(slash + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
        return implementation?.GetCustomAttribute<AuthorizeAttribute>()?.Policy;
    }

    /// <summary>The roles allowed to call <paramref name="method"/>, read from its <c>[Authorize]</c> policy, or null when none is needed.</summary>
    public static IReadOnlyList<ServiceRole>? AllowedRolesOf(string method) => PolicyOf(method) is { } p ? AllowedRoles(p) : null;

    private static bool IsAllowed(ServiceRole role, ServiceOperation[] operations)
    {
        foreach (var op in operations)
        {
            if (RolePolicy.IsAllowed(role, op)) return true;
        }

        return false;
    }
}
