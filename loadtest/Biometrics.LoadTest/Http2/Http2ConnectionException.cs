namespace Biometrics.LoadTest.Http2;

/// <summary>A connection error (RFC 9113 section 5.4.1): the connection is closed with GOAWAY carrying <see cref="Code"/>. Immutable; thread-safe.</summary>
public sealed class Http2ConnectionException(Http2ErrorCode code, string message) : Exception(message)
{
    /// <summary>The error code sent in GOAWAY.</summary>
    public Http2ErrorCode Code { get; } = code;
}
