namespace Biometrics.LoadTest.Engine;

/// <summary>What became of a gate session that one matcher could not finish (docs/LOADTEST.md, "Sessions cut by a lost matcher"). Immutable values; thread-safe.</summary>
public enum SessionRecovery : byte
{
    /// <summary>Nothing to recover: the session ran on the matcher it opened on.</summary>
    None,

    /// <summary>Its stream could not start on one matcher (no connection) and the session ran on another.</summary>
    Rerouted,

    /// <summary>Its stream was cut (reset, connection lost) and the session, re-opened on another matcher, got its verdict within the lane's budget.</summary>
    ReopenedInTime,

    /// <summary>Cut or not started, and no verdict within the lane's budget on any matcher.</summary>
    Lost,
}
