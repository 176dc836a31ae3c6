namespace Biometrics.LoadTest.Http2;

/// <summary>HTTP/2 frame flag bits (RFC 9113 section 6); which apply depends on the frame type. Constants; thread-safe.</summary>
public static class Http2Flags
{
    /// <summary>END_STREAM on DATA and HEADERS.</summary>
    public const byte EndStream = 0x1;

    /// <summary>ACK on SETTINGS and PING (same bit as END_STREAM).</summary>
    public const byte Ack = 0x1;

    /// <summary>END_HEADERS on HEADERS, PUSH_PROMISE and CONTINUATION.</summary>
    public const byte EndHeaders = 0x4;

    /// <summary>PADDED on DATA, HEADERS and PUSH_PROMISE.</summary>
    public const byte Padded = 0x8;

    /// <summary>PRIORITY on HEADERS (5 bytes of priority fields precede the block).</summary>
    public const byte Priority = 0x20;
}
