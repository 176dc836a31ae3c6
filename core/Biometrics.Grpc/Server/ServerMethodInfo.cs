using Microsoft.Extensions.Logging;

namespace Biometrics.Grpc.Internal;

/// <summary>Per-method settings resolved once at start-up and shared by every call of the method.</summary>
internal sealed class ServerMethodInfo(IMethod method, GrpcServerOptions options, ILogger logger)
{
    public IMethod Method { get; } = method;
    public string FullName { get; } = method.FullName;
    public int MaxReceiveMessageSize { get; } = options.MaxReceiveMessageSize ?? int.MaxValue;
    public int MaxSendMessageSize { get; } = options.MaxSendMessageSize ?? int.MaxValue;
    public bool EnableDetailedErrors { get; } = options.EnableDetailedErrors;
    public ILogger Logger { get; } = logger;
}
