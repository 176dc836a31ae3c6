namespace Biometrics.Redis;

/// <summary>The bytes from the server are not valid RESP2/RESP3; the connection is closed and re-established.</summary>
public sealed class RedisProtocolException : RedisException
{
    /// <summary>Creates the exception.</summary>
    public RedisProtocolException(string message) : base(message) { }
}
