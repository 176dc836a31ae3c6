namespace Biometrics.Matcher.Services;

/// <summary>Why a matcher operation failed; hosts map each kind to one transport status (gRPC code of the same name).</summary>
public enum MatcherErrorKind
{
    /// <summary>The request is malformed (wrong embedding length, NaN/Inf, unknown model_id, empty claim, corrupt image).</summary>
    InvalidArgument,

    /// <summary>An unknown subject or gallery.</summary>
    NotFound,

    /// <summary>A message or image larger than allowed.</summary>
    ResourceExhausted,

    /// <summary>The caller presented no or a bad credential.</summary>
    Unauthenticated,

    /// <summary>The caller's role may not do this, or a claim token was refused (forged, expired, replayed).</summary>
    PermissionDenied,

    /// <summary>The deadline passed before an answer.</summary>
    DeadlineExceeded,

    /// <summary>A dependency (the template store) is down; retry later.</summary>
    Unavailable,

    /// <summary>The request conflicts with the current state.</summary>
    FailedPrecondition,

    /// <summary>Another attempt at the same request is in progress; retry later (after a back-off).</summary>
    Aborted,
}
