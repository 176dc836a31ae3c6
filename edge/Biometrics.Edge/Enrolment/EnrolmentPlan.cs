namespace Biometrics.Edge.Enrolment;

/// <summary>The subjects found in a folder tree, and the sub-folders skipped because they hold no image. Immutable.</summary>
public sealed record EnrolmentPlan(IReadOnlyList<EnrolmentItem> Items, IReadOnlyList<string> Skipped);
