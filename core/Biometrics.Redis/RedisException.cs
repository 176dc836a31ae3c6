namespace Biometrics.Redis;

/// <summary>Base type of every error raised by the Redis client.</summary>
public class RedisException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public RedisException(string message) : base(message) { }

    /// <summary>Creates an exception with a message and the error that caused it.</summary>
    public RedisException(string message, Exception? inner) : base(message, inner) { }
}
