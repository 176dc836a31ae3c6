namespace Biometrics.Redis;

/// <summary>The RESP version negotiated on each connection.</summary>
public enum RedisProtocol
{
    /// <summary>RESP2: no handshake beyond AUTH/SELECT; maps arrive as flat arrays.</summary>
    Resp2 = 2,

    /// <summary>RESP3: the connection starts with <c>HELLO 3</c>; maps, sets, doubles, booleans, verbatim strings and pushes.</summary>
    Resp3 = 3,
}
