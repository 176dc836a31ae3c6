namespace Biometrics.Matcher.Services;

/// <summary>How a traveller's claim is expressed.</summary>
public enum ClaimKind
{
    /// <summary>No claim was sent (INVALID_ARGUMENT).</summary>
    None,

    /// <summary>An enrolled subject's identifier.</summary>
    SubjectId,

    /// <summary>A signed QR token naming an enrolled subject.</summary>
    QrToken,

    /// <summary>A reference template (e.g. from the chip photo, embedded at the edge); nothing is fetched or stored.</summary>
    ReferenceTemplate,

    /// <summary>A reference image (the chip photo), embedded here; never stored.</summary>
    ReferenceImage,
}
