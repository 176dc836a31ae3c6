namespace Biometrics.Matcher.Services;

/// <summary>Outcome of one enrolment (mirrors the wire enum).</summary>
public enum EnrolStatus
{
    /// <summary>Stored and acknowledged by the store.</summary>
    Enrolled = 1,

    /// <summary>Every image failed the enrolment quality gate; nothing stored.</summary>
    RejectedQuality = 2,

    /// <summary>No face in any image; nothing stored.</summary>
    NoFace = 3,

    /// <summary>The request was invalid (EnrolStream only); nothing stored.</summary>
    Invalid = 4,
}
