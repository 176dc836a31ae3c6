using System.Globalization;
using Biometrics.LoadTest.Targets;

namespace Biometrics.LoadTest.Http2;

/// <summary>
/// The outcome of one unary call: HTTP status, gRPC status and message, and the response message bytes (without
/// the 5-byte prefix) in a buffer that belongs to the call until <see cref="Dispose"/> hands it back to the client's
/// pool. Read it before disposing; dispose it exactly once. Not thread-safe (one owner).
/// </summary>
public readonly struct GrpcResponse : IDisposable
{
    private readonly Http2Call _call;
    private readonly short _version;

    internal GrpcResponse(Http2Call call, short version)
    {
        _call = call;
        _version = version;
    }

    /// <summary>The HTTP <c>:status</c> of the response; 0 when none arrived (connection failure, deadline before the headers).</summary>
    public int HttpStatus => _call.HttpStatus;

    /// <summary>The gRPC status code (0 = OK, 4 = DEADLINE_EXCEEDED, 14 = UNAVAILABLE, ...).</summary>
    public int Status => _call.GrpcStatus;

    /// <summary>The <c>grpc-message</c> (percent-decoded), or a description of a local failure; null when none.</summary>
    public string? Message => _call.GrpcMessage;

    /// <summary>Whether the call succeeded: HTTP 200 and gRPC status OK.</summary>
    public bool IsOk => _call.HttpStatus == 200 && _call.GrpcStatus == 0;

    /// <summary>The response message (empty when there was none); valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Payload => _call.Payload;

    /// <summary>
    /// The report label: <c>OK</c> or the gRPC status name, <c>HTTP_nnn</c> for an HTTP status other than 200
    /// (a response that was not gRPC), <c>UNAVAILABLE</c> for connection failures.
    /// </summary>
    public string Label => HttpLabel(_call.HttpStatus) ?? GrpcStatusNames.Of(_call.GrpcStatus);

    /// <summary>Hands the call's buffers back to the pool; the response must not be used afterwards.</summary>
    public void Dispose() => _call?.Release(_version);

    private static string? HttpLabel(int status) => status is 0 or 200 ? null : string.Intern("HTTP_" + status.ToString(CultureInfo.InvariantCulture));
}
