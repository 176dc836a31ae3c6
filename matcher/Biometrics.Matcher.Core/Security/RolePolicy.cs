namespace Biometrics.Matcher.Security;

/// <summary>
/// Which role may do what: <c>gate</c> may match; <c>enrolment</c> may enrol and delete; <c>operator</c> may search and
/// read. Nothing else is allowed. Thread-safe (pure).
/// </summary>
public static class RolePolicy
{
    /// <summary>Whether <paramref name="role"/> may perform <paramref name="operation"/>.</summary>
    public static bool IsAllowed(ServiceRole role, ServiceOperation operation) => (role, operation) switch
    {
        (ServiceRole.Gate, ServiceOperation.Match) => true,
        (ServiceRole.Enrolment, ServiceOperation.Enrol or ServiceOperation.Delete) => true,
        (ServiceRole.Operator, ServiceOperation.Search or ServiceOperation.Read) => true,
        _ => false,
    };

    /// <summary>The wire name of a role: <c>gate</c>, <c>enrolment</c> or <c>operator</c>.</summary>
    public static string ToWireName(ServiceRole role) => role switch
    {
        ServiceRole.Gate => "gate",
        ServiceRole.Enrolment => "enrolment",
        ServiceRole.Operator => "operator",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    /// <summary>Parses a wire role name (exact, lower case).</summary>
    public static bool TryParse(string? name, out ServiceRole role)
    {
        switch (name)
        {
            case "gate":
                role = ServiceRole.Gate;
                return true;
            case "enrolment":
                role = ServiceRole.Enrolment;
                return true;
            case "operator":
                role = ServiceRole.Operator;
                return true;
            default:
                role = default;
                return false;
        }
    }
}
