namespace Biometrics.Matcher.Store;

/// <summary>
/// One audited decision: who, what, when, decision, score, model_id. Never biometric data (no vectors, no
/// images); subjects appear only by pseudonym. Immutable.
/// </summary>
/// <param name="Actor">Who asked (authenticated principal, gate id).</param>
/// <param name="Action">What was done (e.g. <c>Verify</c>, <c>Identify</c>, <c>Enrol</c>, <c>Delete</c>).</param>
/// <param name="Timestamp">When.</param>
/// <param name="Decision">Outcome (e.g. <c>ACCEPT</c>, <c>REJECT</c>, <c>REFER</c>, <c>RETRY</c>).</param>
/// <param name="Score">Similarity score behind the decision (cosine, -1..1; higher means more alike), if any.</param>
/// <param name="ModelId">Model that produced the score.</param>
/// <param name="TransactionId">Correlation id of the request, if any.</param>
/// <param name="SubjectKey">Pseudonym of the subject concerned, if any.</param>
/// <param name="RequestId">The caller's own correlation id (Verify's <c>request_id</c>), if it sent one.</param>
public sealed record AuditRecord(
    string Actor,
    string Action,
    DateTimeOffset Timestamp,
    string Decision,
    double? Score,
    string? ModelId,
    string? TransactionId = null,
    string? SubjectKey = null,
    string? RequestId = null);
