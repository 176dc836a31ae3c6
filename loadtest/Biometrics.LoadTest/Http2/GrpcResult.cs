namespace Biometrics.LoadTest.Http2;

/// <summary>A typed unary call outcome: the parsed response when the call succeeded, and its status otherwise. Immutable; thread-safe.</summary>
/// <typeparam name="T">The response message type.</typeparam>
/// <param name="Label">The report label (<see cref="GrpcResponse.Label"/>).</param>
/// <param name="HttpStatus">HTTP status (0 when no response arrived).</param>
/// <param name="Status">gRPC status code.</param>
/// <param name="Message">grpc-message, if any.</param>
/// <param name="Response">The parsed response when the call succeeded.</param>
public readonly record struct GrpcResult<T>(string Label, int HttpStatus, int Status, string? Message, T? Response)
    where T : class
{
    /// <summary>Whether the call succeeded.</summary>
    public bool IsOk => Response is not null;
}
