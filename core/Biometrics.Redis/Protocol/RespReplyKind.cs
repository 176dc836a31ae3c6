namespace Biometrics.Redis.Protocol;

/// <summary>How a <see cref="RespReply"/> carries its value.</summary>
internal enum RespReplyKind : byte
{
    Null,
    Integer,
    SimpleString,
    BulkString,
    Error,
    Other,
    Push,
}
