using Biometrics.Matcher.Services;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Biometrics.Matcher.Grpc;

/// <summary>Maps domain failures (<see cref="MatcherException"/>) thrown by any service method to their gRPC status, with
/// the reason in the <c>biometrics-reason</c> trailer (<see cref="RpcErrors.ToRpc"/>). Completed calls pass through
/// without an extra state machine. Singleton, thread-safe.</summary>
public sealed class MatcherExceptionInterceptor : Interceptor
{
    /// <inheritdoc />
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Task<TResponse> task;
        try
        {
            task = continuation(request, context);
        }
        catch (MatcherException ex)
        {
            throw RpcErrors.ToRpc(ex);
        }

        return task.IsCompletedSuccessfully ? task : MapAsync(task);
    }

    /// <inheritdoc />
    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Task<TResponse> task;
        try
        {
            task = continuation(requestStream, context);
        }
        catch (MatcherException ex)
        {
            throw RpcErrors.ToRpc(ex);
        }

        return task.IsCompletedSuccessfully ? task : MapAsync(task);
    }

    /// <inheritdoc />
    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return MapAsync(continuation(request, responseStream, context));
        }
        catch (MatcherException ex)
        {
            throw RpcErrors.ToRpc(ex);
        }
    }

    /// <inheritdoc />
    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return MapAsync(continuation(requestStream, responseStream, context));
        }
        catch (MatcherException ex)
        {
            throw RpcErrors.ToRpc(ex);
        }
    }

    private static async Task<T> MapAsync<T>(Task<T> task)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (MatcherException ex)
        {
            throw RpcErrors.ToRpc(ex);
        }
    }

    private static async Task MapAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (MatcherException ex)
        {
            throw RpcErrors.ToRpc(ex);
        }
    }
}
