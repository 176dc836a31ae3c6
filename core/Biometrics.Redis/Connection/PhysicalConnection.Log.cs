using Microsoft.Extensions.Logging;

namespace Biometrics.Redis.Connection;

internal sealed partial class PhysicalConnection
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Lost the connection to Redis at {EndPoint}; failed {Pending} pending commands; reconnecting")]
    private static partial void LogConnectionLost(ILogger logger, string endPoint, int pending, Exception? error);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Reconnected to Redis at {EndPoint} after {Attempts} attempts")]
    private static partial void LogReconnected(ILogger logger, string endPoint, int attempts);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Reconnect attempt {Attempt} to Redis at {EndPoint} failed: {Reason}")]
    private static partial void LogReconnectFailed(ILogger logger, string endPoint, int attempt, string reason);
}
