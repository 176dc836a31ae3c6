namespace Biometrics.Edge.Enrolment;

/// <summary>
/// What happened to one subject: <see cref="Status"/> is <c>enrolled</c>, <c>rejected_quality</c>, <c>no_face</c>,
/// <c>invalid</c> (the matcher refused the request) or <c>failed</c> (unreadable file, matcher unreachable, ...), with
/// the matcher's pseudonymous subject key, template version and reason, and the image files the request carried (null when
/// it was not sent). Immutable.
/// </summary>
public sealed record EnrolmentOutcome(
    string SubjectId,
    string Status,
    string RequestId,
    string? SubjectKey = null,
    long Version = 0,
    string? ModelId = null,
    string? Reason = null,
    bool Replayed = false,
    IReadOnlyList<string>? Files = null)
{
    /// <summary>Enrolled (first time or replayed).</summary>
    public const string Enrolled = "enrolled";

    /// <summary>All images failed the quality gate.</summary>
    public const string RejectedQuality = "rejected_quality";

    /// <summary>No face in any image.</summary>
    public const string NoFace = "no_face";

    /// <summary>The matcher refused the request as invalid.</summary>
    public const string Invalid = "invalid";

    /// <summary>Could not be attempted or completed.</summary>
    public const string Failed = "failed";
}
