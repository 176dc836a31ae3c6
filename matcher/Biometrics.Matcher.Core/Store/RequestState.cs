namespace Biometrics.Matcher.Store;

/// <summary>What the store holds for an enrolment request id (docs/REDIS.md, "Enrolment requests").</summary>
public enum RequestState
{
    /// <summary>Nothing was there: the calling attempt now holds the reservation and does the work.</summary>
    Reserved,

    /// <summary>
    /// The calling attempt now holds the reservation, taken over from an attempt whose lease had passed (it crashed or
    /// was cut off): that attempt can no longer complete or release it.
    /// </summary>
    TakenOver,

    /// <summary>Another attempt holds the reservation and its lease has not passed: it may still be working.</summary>
    InProgress,

    /// <summary>An attempt finished; its result is kept.</summary>
    Completed,

    /// <summary>The subject it named was erased; the record keeps nothing but this state.</summary>
    Erased,
}
