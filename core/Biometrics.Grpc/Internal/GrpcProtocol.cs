namespace Biometrics.Grpc.Internal;

/// <summary>Constants of the gRPC HTTP/2 protocol (PROTOCOL-HTTP2.md).</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string StatusTrailer = "grpc-status";
    public const string MessageTrailer = "grpc-message";
    public const string TeHeader = "te";
    public const string UserAgentHeader = "user-agent";
    public const string SupportedEncodings = "identity,gzip";
    public const int HeaderSize = 5;
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    private static readonly string[] StatusStrings = CreateStatusStrings();

    /// <summary>The decimal string of a status code without allocating.</summary>
    public static string StatusString(StatusCode code) => (uint)code < (uint)StatusStrings.Length ? StatusStrings[(int)code] : ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>True for <c>application/grpc</c>, <c>application/grpc+proto</c> and <c>application/grpc;...</c>.</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase)) return false;
        if (contentType.Length == ContentType.Length) return true;
        var next = contentType[ContentType.Length];
        return next is '+' or ';';
    }

    /// <summary>Headers that are protocol, not application metadata.</summary>
    public static bool IsReservedHeader(string name) =>
        name.Length == 0 || name[0] == ':' ||
        name.Equals("content-type", StringComparison.OrdinalIgnoreCase) ||
        name.Equals(TeHeader, StringComparison.OrdinalIgnoreCase) ||
        name.Equals("host", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("content-length", StringComparison.OrdinalIgnoreCase) ||
        name.Equals(TimeoutHeader, StringComparison.OrdinalIgnoreCase) ||
        name.Equals(EncodingHeader, StringComparison.OrdinalIgnoreCase) ||
        name.Equals(AcceptEncodingHeader, StringComparison.OrdinalIgnoreCase) ||
        name.Equals(StatusTrailer, StringComparison.OrdinalIgnoreCase) ||
        name.Equals(MessageTrailer, StringComparison.OrdinalIgnoreCase) ||
        name.Equals("grpc-status-details-bin", StringComparison.OrdinalIgnoreCase);

    /// <summary>The gRPC status for a non-200 HTTP status (spec: http-grpc-status-mapping).</summary>
    public static StatusCode FromHttpStatus(int httpStatus) => httpStatus switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    private static string[] CreateStatusStrings()
    {
        var s = new string[17];
        for (var i = 0; i < s.Length; i++) s[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return s;
    }
}
