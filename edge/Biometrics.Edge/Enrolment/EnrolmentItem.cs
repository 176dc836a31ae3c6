namespace Biometrics.Edge.Enrolment;

/// <summary>One subject to enrol: its identifier and the image files to enrol it from (one to ten). Immutable.</summary>
public sealed record EnrolmentItem(string SubjectId, IReadOnlyList<string> Files);
