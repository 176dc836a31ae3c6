namespace Biometrics.Grpc;

/// <summary>The rest of a server call (next interceptor, or reading the request, running the handler and writing the
/// response). Completes when the handler has finished.</summary>
public delegate Task ServerCallContinuation(ServerCallContext context);
