namespace Biometrics.Contract;

/// <summary>The names of decisions as audit records, verdict lines and consoles print them. Thread-safe.</summary>
public static class DecisionNames
{
    /// <summary>ACCEPT, REJECT, RETRY or REFER; UNSPECIFIED for any other value.</summary>
    public static string Of(Decision decision) => decision switch
    {
        Decision.Accept => "ACCEPT",
        Decision.Reject => "REJECT",
        Decision.Retry => "RETRY",
        Decision.Refer => "REFER",
        _ => "UNSPECIFIED",
    };
}
