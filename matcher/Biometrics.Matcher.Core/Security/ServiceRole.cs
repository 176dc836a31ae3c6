namespace Biometrics.Matcher.Security;

/// <summary>Roles a bearer token carries (docs/POLICY.md section 6).</summary>
public enum ServiceRole
{
    /// <summary>A gate agent: may match (Verify, Identify from a lane, GateSession).</summary>
    Gate = 1,

    /// <summary>An enrolment desk: may enrol, re-enrol and delete subjects.</summary>
    Enrolment = 2,

    /// <summary>An officer console: may search (1:N) and read subjects and status.</summary>
    Operator = 3,
}
