using Microsoft.Extensions.Logging;

namespace Biometrics.Grpc.Internal;

/// <summary>Source-generated server logs (all off the success path).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Error, "Error when executing service method '{Method}'.")]
    public static partial void HandlerError(ILogger logger, string method, Exception exception);

    [LoggerMessage(2, LogLevel.Debug, "Call '{Method}' rejected: {Detail}")]
    public static partial void CallRejected(ILogger logger, string method, string detail);

    [LoggerMessage(3, LogLevel.Information, "Mapped gRPC method {Method} ({Type}).")]
    public static partial void MethodMapped(ILogger logger, string method, MethodType type);

    [LoggerMessage(4, LogLevel.Warning, "gRPC method {Method} has no implementation on {ServiceType}: calls get UNIMPLEMENTED.")]
    public static partial void MethodUnimplemented(ILogger logger, string method, string serviceType);

    [LoggerMessage(5, LogLevel.Debug, "Call '{Method}' ended by the client or the connection.")]
    public static partial void CallAborted(ILogger logger, string method);

    [LoggerMessage(6, LogLevel.Debug, "Call '{Method}' exceeded its deadline.")]
    public static partial void DeadlineExceeded(ILogger logger, string method);
}
