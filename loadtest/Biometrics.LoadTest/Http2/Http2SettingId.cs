namespace Biometrics.LoadTest.Http2;

/// <summary>SETTINGS parameter identifiers (RFC 9113 section 6.5.2). Immutable values; thread-safe.</summary>
public enum Http2SettingId : ushort
{
    /// <summary>Size of the peer's HPACK decoder table (default 4,096).</summary>
    HeaderTableSize = 0x1,

    /// <summary>Whether server push is allowed (this client sends 0).</summary>
    EnablePush = 0x2,

    /// <summary>Streams the sender lets the peer open at once (default unlimited).</summary>
    MaxConcurrentStreams = 0x3,

    /// <summary>Initial stream flow-control window (default 65,535).</summary>
    InitialWindowSize = 0x4,

    /// <summary>Largest frame payload the sender accepts (default 16,384).</summary>
    MaxFrameSize = 0x5,

    /// <summary>Advisory limit on the header list size.</summary>
    MaxHeaderListSize = 0x6,
}
