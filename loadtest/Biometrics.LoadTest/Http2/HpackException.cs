namespace Biometrics.LoadTest.Http2;

/// <summary>A header block that cannot be decoded (a COMPRESSION_ERROR for the whole connection, RFC 9113 section 4.3). Immutable; thread-safe.</summary>
public sealed class HpackException(string message) : Exception(message);
