namespace Biometrics.Matcher.Store;

/// <summary>The state of an enrolment request id in the store. Immutable.</summary>
/// <param name="State">Reserved by the caller, in progress elsewhere, completed or erased.</param>
/// <param name="Subject">The subject the request named (null when <see cref="RequestState.Erased"/>).</param>
/// <param name="Result">The stored result when <see cref="RequestState.Completed"/>, else null.</param>
/// <param name="LeaseLeft">When <see cref="RequestState.InProgress"/>: how long the other attempt's lease still runs, by the
/// store's clock (null when the record does not say); else null.</param>
public sealed record RequestRecord(RequestState State, SubjectKey? Subject, byte[]? Result, TimeSpan? LeaseLeft = null);
