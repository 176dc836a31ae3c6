namespace Biometrics.LoadTest.Http2;

/// <summary>Where a unary call is in its connection: not started, waiting for a stream slot, open, or done. Immutable values; thread-safe.</summary>
internal enum Http2CallState : byte
{
    /// <summary>Prepared, not yet handed to a connection.</summary>
    Idle,

    /// <summary>Queued until the peer's SETTINGS_MAX_CONCURRENT_STREAMS leaves room.</summary>
    Waiting,

    /// <summary>Its stream is open (HEADERS sent).</summary>
    Open,

    /// <summary>Completed; the outcome is recorded.</summary>
    Done,
}
