using Biometrics.Grpc.Internal;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace Biometrics.Grpc.Server;

/// <summary>Serves one method: the request delegate mapped to its route. Built once at start-up with compiled
/// delegates to the service method; per call it allocates only the call context (and stream reader/writer).</summary>
internal sealed class ServerMethodHandler<TService, TRequest, TResponse>
    where TService : class
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly ServerMethodInfo _info;
    private readonly Method<TRequest, TResponse> _method;
    private readonly Func<HttpContext, TService> _activator;
    private readonly Func<TService, TRequest, ServerCallContext, Task<TResponse>>? _unary;
    private readonly Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>>? _clientStreaming;
    private readonly Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>? _serverStreaming;
    private readonly Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task>? _duplex;
    private readonly ServerCallContinuation _pipeline;

    public ServerMethodHandler(ServerMethodInfo info, Method<TRequest, TResponse> method, Func<HttpContext, TService> activator, Delegate invoker, IReadOnlyList<Interceptor> interceptors)
    {
        _info = info;
        _method = method;
        _activator = activator;
        _unary = invoker as Func<TService, TRequest, ServerCallContext, Task<TResponse>>;
        _clientStreaming = invoker as Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>>;
        _serverStreaming = invoker as Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>;
        _duplex = invoker as Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task>;
        ServerCallContinuation pipeline = method.Type switch
        {
            MethodType.Unary => InvokeUnary,
            MethodType.ClientStreaming => InvokeClientStreamingAsync,
            MethodType.ServerStreaming => InvokeServerStreamingAsync,
            _ => InvokeDuplexAsync,
        };
        for (var i = interceptors.Count - 1; i >= 0; i--)
        {
            var interceptor = interceptors[i];
            var next = pipeline;
            pipeline = context => interceptor.InterceptAsync(context, next);
        }
        _pipeline = pipeline;
    }

    public Task HandleCallAsync(HttpContext http)
    {
        var context = new HttpServerCallContext(http, _info);
        if (!context.TryStart()) return Task.CompletedTask;
        Task task;
        try
        {
            task = _pipeline(context);
        }
        catch (Exception ex)
        {
            context.ProcessError(ex);
            context.Complete();
            return Task.CompletedTask;
        }
        if (task.IsCompletedSuccessfully)
        {
            context.Complete();
            return Task.CompletedTask;
        }
        return AwaitCallAsync(task, context);
    }

    private static async Task AwaitCallAsync(Task task, HttpServerCallContext context)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            context.ProcessError(ex);
        }
        context.Complete();
    }

    private Task InvokeUnary(ServerCallContext callContext)
    {
        var context = (HttpServerCallContext)callContext;
        var read = context.ReadSingleMessageAsync(_method.RequestMarshaller);
        if (!read.IsCompletedSuccessfully) return AwaitReadThenUnaryAsync(read, context);
        return InvokeUnaryCore(read.Result, context);
    }

    private async Task AwaitReadThenUnaryAsync(ValueTask<TRequest> read, HttpServerCallContext context)
    {
        var request = await read.ConfigureAwait(false);
        await InvokeUnaryCore(request, context).ConfigureAwait(false);
    }

    private Task InvokeUnaryCore(TRequest request, HttpServerCallContext context)
    {
        var response = _unary!(_activator(context.HttpContext), request, context);
        if (response.IsCompletedSuccessfully)
        {
            context.WriteSingleResponse(_method.ResponseMarshaller, response.Result);
            return Task.CompletedTask;
        }
        return AwaitUnaryResponseAsync(response, context);
    }

    private async Task AwaitUnaryResponseAsync(Task<TResponse> response, HttpServerCallContext context)
    {
        var message = await response.ConfigureAwait(false);
        context.WriteSingleResponse(_method.ResponseMarshaller, message);
    }

    private async Task InvokeClientStreamingAsync(ServerCallContext callContext)
    {
        var context = (HttpServerCallContext)callContext;
        var reader = new HttpRequestStreamReader<TRequest>(context, _method.RequestMarshaller);
        var response = await _clientStreaming!(_activator(context.HttpContext), reader, context).ConfigureAwait(false);
        context.WriteSingleResponse(_method.ResponseMarshaller, response);
    }

    private async Task InvokeServerStreamingAsync(ServerCallContext callContext)
    {
        var context = (HttpServerCallContext)callContext;
        var request = await context.ReadSingleMessageAsync(_method.RequestMarshaller).ConfigureAwait(false);
        var writer = new HttpResponseStreamWriter<TResponse>(context, _method.ResponseMarshaller);
        try
        {
            await _serverStreaming!(_activator(context.HttpContext), request, writer, context).ConfigureAwait(false);
        }
        finally
        {
            writer.Complete();
        }
    }

    private async Task InvokeDuplexAsync(ServerCallContext callContext)
    {
        var context = (HttpServerCallContext)callContext;
        var reader = new HttpRequestStreamReader<TRequest>(context, _method.RequestMarshaller);
        var writer = new HttpResponseStreamWriter<TResponse>(context, _method.ResponseMarshaller);
        try
        {
            await _duplex!(_activator(context.HttpContext), reader, writer, context).ConfigureAwait(false);
        }
        finally
        {
            writer.Complete();
        }
    }
}
