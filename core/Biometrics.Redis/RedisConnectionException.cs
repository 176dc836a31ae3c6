namespace Biometrics.Redis;

/// <summary>
/// The command could not be sent or its reply could not be received because the connection to the server
/// is down (refused, reset, closed, reconnecting). The command may or may not have been executed if it had
/// already been written; it is never retried silently. The client keeps reconnecting in the background.
/// </summary>
public sealed class RedisConnectionException : RedisException
{
    /// <summary>Creates the exception.</summary>
    public RedisConnectionException(string message, Exception? inner = null) : base(message, inner) { }
}
