using System.Text;

namespace Biometrics.LoadTest.Http2;

/// <summary>The HPACK static table (RFC 7541 Appendix A): 61 entries, index 1 to 61. Immutable; thread-safe.</summary>
public static class HpackStaticTable
{
    /// <summary>Number of entries; dynamic table indices start at <c>Count + 1</c>.</summary>
    public const int Count = 61;

    /// <summary>Index of <c>:authority</c> (empty value).</summary>
    public const int Authority = 1;

    /// <summary>Index of <c>:method: POST</c>.</summary>
    public const int MethodPost = 3;

    /// <summary>Index of <c>:path: /</c> (used for its name).</summary>
    public const int Path = 4;

    /// <summary>Index of <c>:scheme: http</c>.</summary>
    public const int SchemeHttp = 6;

    /// <summary>Index of <c>:scheme: https</c>.</summary>
    public const int SchemeHttps = 7;

    /// <summary>Index of <c>authorization</c> (empty value).</summary>
    public const int Authorization = 23;

    /// <summary>Index of <c>content-type</c> (empty value).</summary>
    public const int ContentType = 31;

    /// <summary>Index of <c>user-agent</c> (empty value).</summary>
    public const int UserAgent = 58;

    private static readonly (string Name, string Value)[] s_text =
    [
        (":authority", ""), (":method", "GET"), (":method", "POST"), (":path", "/"), (":path", "/index.html"),
        (":scheme", "http"), (":scheme", "https"), (":status", "200"), (":status", "204"), (":status", "206"),
        (":status", "304"), (":status", "400"), (":status", "404"), (":status", "500"), ("accept-charset", ""),
        ("accept-encoding", "gzip, deflate"), ("accept-language", ""), ("accept-ranges", ""), ("accept", ""),
        ("access-control-allow-origin", ""), ("age", ""), ("allow", ""), ("authorization", ""), ("cache-control", ""),
        ("content-disposition", ""), ("content-encoding", ""), ("content-language", ""), ("content-length", ""),
        ("content-location", ""), ("content-range", ""), ("content-type", ""), ("cookie", ""), ("date", ""),
        ("etag", ""), ("expect", ""), ("expires", ""), ("from", ""), ("host", ""), ("if-match", ""),
        ("if-modified-since", ""), ("if-none-match", ""), ("if-range", ""), ("if-unmodified-since", ""),
        ("last-modified", ""), ("link", ""), ("location", ""), ("max-forwards", ""), ("proxy-authenticate", ""),
        ("proxy-authorization", ""), ("range", ""), ("referer", ""), ("refresh", ""), ("retry-after", ""),
        ("server", ""), ("set-cookie", ""), ("strict-transport-security", ""), ("transfer-encoding", ""),
        ("user-agent", ""), ("vary", ""), ("via", ""), ("www-authenticate", ""),
    ];

    private static readonly byte[][] s_names = s_text.Select(e => Encoding.ASCII.GetBytes(e.Name)).ToArray();
    private static readonly byte[][] s_values = s_text.Select(e => Encoding.ASCII.GetBytes(e.Value)).ToArray();

    /// <summary>The name of entry <paramref name="index"/> (1-based).</summary>
    public static ReadOnlySpan<byte> Name(int index) => s_names[index - 1];

    /// <summary>The value of entry <paramref name="index"/> (1-based).</summary>
    public static ReadOnlySpan<byte> Value(int index) => s_values[index - 1];
}
