namespace Biometrics.LoadTest.Http2;

/// <summary>
/// One gRPC method on one target, with its request header block encoded once (HPACK, no dynamic table):
/// <c>:method POST</c>, <c>:scheme</c>, <c>:path</c>, <c>:authority</c>, <c>content-type application/grpc</c>,
/// <c>te trailers</c>, <c>user-agent</c> and, when set, <c>authorization: Bearer ...</c> (never indexed). A call with a
/// deadline appends its own <c>grpc-timeout</c> field. Immutable; thread-safe.
/// </summary>
public sealed class GrpcMethod
{
    internal GrpcMethod(string path, ReadOnlyMemory<byte> headerBlock)
    {
        Path = path;
        HeaderBlock = headerBlock;
    }

    /// <summary>The method path, <c>/package.Service/Method</c>.</summary>
    public string Path { get; }

    /// <summary>The encoded request header block without <c>grpc-timeout</c>.</summary>
    public ReadOnlyMemory<byte> HeaderBlock { get; }

    /// <summary>Encodes the header block of <paramref name="path"/> for <paramref name="authority"/> (host:port).</summary>
    public static GrpcMethod Create(string path, string authority, bool https, string? bearerToken, string userAgent = "biometrics-load")
    {
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException("a gRPC path starts with '/'", nameof(path));
        }

        var block = new List<byte>(128);
        HpackWriter.Indexed(block, HpackStaticTable.MethodPost);
        HpackWriter.Indexed(block, https ? HpackStaticTable.SchemeHttps : HpackStaticTable.SchemeHttp);
        HpackWriter.Literal(block, HpackStaticTable.Path, path);
        HpackWriter.Literal(block, HpackStaticTable.Authority, authority);
        HpackWriter.Literal(block, HpackStaticTable.ContentType, "application/grpc");
        HpackWriter.Literal(block, "te", "trailers");
        HpackWriter.Literal(block, HpackStaticTable.UserAgent, userAgent);
        if (bearerToken is not null)
        {
            HpackWriter.Literal(block, HpackStaticTable.Authorization, "Bearer " + bearerToken, neverIndexed: true);
        }

        return new GrpcMethod(path, block.ToArray());
    }
}
