namespace Biometrics.Grpc;

/// <summary>A server interceptor: wraps every call of every kind (authentication, logging, metrics). Interceptors are
/// created once and shared by all calls, so implementations must be thread-safe.</summary>
/// <remarks>Throw an <see cref="RpcException"/> to end a call with a status without running the handler (e.g.
/// UNAUTHENTICATED); read <see cref="ServerCallContext.Status"/> after the continuation for the outcome of a normal
/// return. Exceptions thrown by the continuation propagate through the interceptor.</remarks>
public abstract class Interceptor
{
    /// <summary>Runs around one call; call <paramref name="continuation"/> to proceed.</summary>
    public abstract Task InterceptAsync(ServerCallContext context, ServerCallContinuation continuation);
}
