namespace Biometrics.LoadTest.Http2;

/// <summary>Receives the fields of a header block as <see cref="HpackDecoder"/> decodes them. The spans are only valid during the call. Called from the decoding thread only, one field at a time; implementations need not be thread-safe.</summary>
public interface IHpackHeaderSink
{
    /// <summary>One header field, in block order.</summary>
    void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);
}
