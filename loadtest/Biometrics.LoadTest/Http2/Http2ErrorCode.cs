namespace Biometrics.LoadTest.Http2;

/// <summary>HTTP/2 error codes carried by RST_STREAM and GOAWAY (RFC 9113 section 7). Immutable values; thread-safe.</summary>
public enum Http2ErrorCode : uint
{
    /// <summary>Graceful shutdown or no error.</summary>
    NoError = 0x0,

    /// <summary>Protocol error detected.</summary>
    ProtocolError = 0x1,

    /// <summary>Implementation fault.</summary>
    InternalError = 0x2,

    /// <summary>Flow-control limits exceeded.</summary>
    FlowControlError = 0x3,

    /// <summary>SETTINGS not acknowledged in time.</summary>
    SettingsTimeout = 0x4,

    /// <summary>Frame received for a closed stream.</summary>
    StreamClosed = 0x5,

    /// <summary>Frame size incorrect.</summary>
    FrameSizeError = 0x6,

    /// <summary>Stream not processed (safe to retry).</summary>
    RefusedStream = 0x7,

    /// <summary>Stream cancelled.</summary>
    Cancel = 0x8,

    /// <summary>Compression state not updated.</summary>
    CompressionError = 0x9,

    /// <summary>TCP connection error for CONNECT.</summary>
    ConnectError = 0xa,

    /// <summary>Processing capacity exceeded.</summary>
    EnhanceYourCalm = 0xb,

    /// <summary>Negotiated TLS parameters not acceptable.</summary>
    InadequateSecurity = 0xc,

    /// <summary>Use HTTP/1.1 for the request.</summary>
    Http11Required = 0xd,
}
