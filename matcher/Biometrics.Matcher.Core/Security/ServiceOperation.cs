namespace Biometrics.Matcher.Security;

/// <summary>What a caller wants to do; <see cref="RolePolicy"/> maps roles to allowed operations.</summary>
public enum ServiceOperation
{
    /// <summary>1:1 verification and gate sessions.</summary>
    Match = 1,

    /// <summary>Enrol or re-enrol a subject.</summary>
    Enrol,

    /// <summary>Delete (erase) a subject.</summary>
    Delete,

    /// <summary>1:N search of a gallery.</summary>
    Search,

    /// <summary>Read a subject's record or the service status.</summary>
    Read,
}
