namespace Biometrics.Redis;

/// <summary>
/// No reply arrived within the command's timeout. The command may still execute on the server; a late reply
/// is discarded.
/// </summary>
public sealed class RedisTimeoutException : RedisException
{
    /// <summary>Creates the exception.</summary>
    public RedisTimeoutException(string message) : base(message) { }
}
