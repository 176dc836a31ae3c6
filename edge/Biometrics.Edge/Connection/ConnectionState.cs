namespace Biometrics.Edge.Connection;

/// <summary>What the agent knows about its matcher connection.</summary>
public enum ConnectionState
{
    /// <summary>No call has been made yet.</summary>
    Unknown,

    /// <summary>The last call or health check reached the matcher.</summary>
    Up,

    /// <summary>The last attempt failed; the connection is retried with back-off.</summary>
    Down,
}
