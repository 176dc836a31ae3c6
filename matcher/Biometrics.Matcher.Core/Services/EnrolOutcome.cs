using Biometrics.Matcher.Policy;

namespace Biometrics.Matcher.Services;

/// <summary>The answer to one enrolment. Immutable.</summary>
/// <param name="RequestId">The request's idempotency key.</param>
/// <param name="Status">What happened.</param>
/// <param name="SubjectKey">Pseudonymous subject key (hex HMAC), empty when nothing was stored.</param>
/// <param name="Version">Template version (1 = first enrolment), 0 when nothing was stored.</param>
/// <param name="ModelId">Model of the stored template.</param>
/// <param name="Quality">Quality of the chosen face (images only).</param>
/// <param name="Reason">Why, when not enrolled (or which image was chosen).</param>
/// <param name="Replayed">True when this is the stored answer of an earlier request with the same id.</param>
public sealed record EnrolOutcome(string RequestId, EnrolStatus Status, string SubjectKey, long Version, string ModelId, ProbeQuality? Quality, string Reason, bool Replayed = false);
