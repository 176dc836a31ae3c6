namespace Biometrics.Matcher.Services;

/// <summary>One enrolment request. Immutable.</summary>
/// <param name="RequestId">Idempotency key, 1..64 characters.</param>
/// <param name="SubjectId">Subject identifier, 1..128 characters (pseudonymised by the store).</param>
/// <param name="Images">1..10 encoded images, or empty when <paramref name="Template"/> is set.</param>
/// <param name="Template">A template computed elsewhere, or null.</param>
/// <param name="Galleries">Gallery names; empty means the default gallery.</param>
/// <param name="Actor">Caller, for the audit record.</param>
public sealed record EnrolCommand(string RequestId, string SubjectId, IReadOnlyList<ReadOnlyMemory<byte>> Images, FaceInput? Template, IReadOnlyList<string> Galleries, string Actor);
