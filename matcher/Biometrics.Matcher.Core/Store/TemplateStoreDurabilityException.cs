namespace Biometrics.Matcher.Store;

/// <summary>
/// Redis applied the write but fewer replicas than the store option <c>WaitForReplicas</c> confirmed it
/// within the store option <c>WaitTimeout</c>; the enrolment must not be acknowledged as durable.
/// </summary>
public sealed class TemplateStoreDurabilityException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TemplateStoreDurabilityException(long acknowledged, int required)
        : base($"Only {acknowledged} of {required} Redis replicas acknowledged the write in time.")
    {
        Acknowledged = acknowledged;
        Required = required;
    }

    /// <summary>Replicas that acknowledged.</summary>
    public long Acknowledged { get; }

    /// <summary>Replicas required.</summary>
    public int Required { get; }
}
