namespace Biometrics.Matcher.Store;

/// <summary>What the store holds for an enrolment request id (docs/REDIS.md, "Enrolment requests").</summary>
public enum RequestState
{
    /// <summary>Nothing was there: the calling attempt now holds the reservation and does the work.</summary>
    Reserved,

    /// <summary>Another attempt holds the reservation and is still working.</summary>
    InProgress,

    /// <summary>An attempt finished; its result is kept.</summary>
    Completed,

    /// <summary>The subject it named was erased; the record keeps nothing but this state.</summary>
    Erased,
}
