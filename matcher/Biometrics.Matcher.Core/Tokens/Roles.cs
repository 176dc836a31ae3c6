namespace Biometrics.Matcher.Tokens;

/// <summary>Caller roles carried by bearer tokens (DESIGN.md section 10).</summary>
public static class Roles
{
    /// <summary>A gate agent: Verify, GateSession, Identify.</summary>
    public const string Gate = "gate";

    /// <summary>An enrolment desk: Enrol, EnrolStream, DeleteSubject, GetSubject.</summary>
    public const string Enrolment = "enrolment";

    /// <summary>An operator console: Identify, GetSubject, Operations.</summary>
    public const string Operator = "operator";

    /// <summary>True for one of the three roles.</summary>
    public static bool IsKnown(string? role) => role is Gate or Enrolment or Operator;
}
