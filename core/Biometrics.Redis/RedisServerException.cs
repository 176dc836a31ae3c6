namespace Biometrics.Redis;

/// <summary>
/// The server answered a command with an error reply (<c>-ERR ...</c> or a RESP3 blob error).
/// <see cref="Exception.Message"/> is the server's own message; <see cref="ErrorCode"/> is its first word
/// (<c>ERR</c>, <c>WRONGTYPE</c>, <c>NOSCRIPT</c>, <c>MOVED</c>, ...). The connection stays usable.
/// </summary>
public sealed class RedisServerException : RedisException
{
    /// <summary>Creates the exception from the server's error text.</summary>
    public RedisServerException(string serverMessage) : base(serverMessage)
    {
        var space = serverMessage.IndexOf(' ');
        ErrorCode = space > 0 ? serverMessage[..space] : serverMessage;
    }

    /// <summary>The error prefix the server chose, e.g. <c>ERR</c> or <c>WRONGTYPE</c>.</summary>
    public string ErrorCode { get; }
}
