using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Biometrics.Grpc;

/// <summary>A small typed client for any service described by a protobuf <see cref="ServiceDescriptor"/>: calls by
/// method name with the message types as type arguments (checked against the descriptor once, then cached).
/// Thread-safe.</summary>
/// <example><c>var verdict = await client.UnaryAsync&lt;VerifyRequest, Verdict&gt;("Verify", request, options);</c></example>
public sealed class ServiceClient
{
    private readonly ConcurrentDictionary<string, IMethod> _methods = new(StringComparer.Ordinal);

    /// <summary>Creates a client over a call invoker.</summary>
    public ServiceClient(CallInvoker invoker, ServiceDescriptor service)
    {
        Invoker = invoker ?? throw new ArgumentNullException(nameof(invoker));
        Service = service ?? throw new ArgumentNullException(nameof(service));
    }

    /// <summary>Creates a client over a channel.</summary>
    public ServiceClient(GrpcChannel channel, ServiceDescriptor service) : this(channel.CreateCallInvoker(), service) { }

    /// <summary>The call invoker.</summary>
    public CallInvoker Invoker { get; }

    /// <summary>The service descriptor.</summary>
    public ServiceDescriptor Service { get; }

    /// <summary>The typed method <paramref name="name"/> (cached; throws when the name or the types do not match).</summary>
    public Method<TRequest, TResponse> GetMethod<TRequest, TResponse>(string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        if (_methods.TryGetValue(name, out var cached))
        {
            return cached as Method<TRequest, TResponse>
                ?? throw new ArgumentException($"{Service.FullName}/{name} does not take {typeof(TRequest).Name} and return {typeof(TResponse).Name}.");
        }
        var descriptor = Service.FindMethodByName(name) ?? throw new ArgumentException($"Service {Service.FullName} has no method '{name}'.", nameof(name));
        var method = Method.FromDescriptor<TRequest, TResponse>(descriptor);
        return (Method<TRequest, TResponse>)_methods.GetOrAdd(name, method);
    }

    /// <summary>Starts a unary call.</summary>
    public AsyncUnaryCall<TResponse> Unary<TRequest, TResponse>(string method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Invoker.AsyncUnaryCall(GetMethod<TRequest, TResponse>(method), null, options, request);

    /// <summary>Makes a unary call and returns its response (throws <see cref="RpcException"/> on a non-OK status).</summary>
    public Task<TResponse> UnaryAsync<TRequest, TResponse>(string method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Invoker.AsyncUnaryCall(GetMethod<TRequest, TResponse>(method), null, options, request).ResponseAsync;

    /// <summary>Starts a client-streaming call.</summary>
    public AsyncClientStreamingCall<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(string method, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Invoker.AsyncClientStreamingCall(GetMethod<TRequest, TResponse>(method), null, options);

    /// <summary>Starts a server-streaming call.</summary>
    public AsyncServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(string method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Invoker.AsyncServerStreamingCall(GetMethod<TRequest, TResponse>(method), null, options, request);

    /// <summary>Starts a duplex-streaming call.</summary>
    public AsyncDuplexStreamingCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(string method, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Invoker.AsyncDuplexStreamingCall(GetMethod<TRequest, TResponse>(method), null, options);
}
