using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Biometrics.Matcher.Grpc;

/// <summary>
/// Binds every gRPC service mapped with <c>MapGrpcService&lt;T&gt;</c> the way grpc-dotnet's own binder does (through the
/// generated <c>BindService</c> method named by <see cref="BindServiceMethodAttribute"/>; endpoint metadata from the
/// service class and the implementing method, so <c>[Authorize]</c> applies), with one difference: a request message
/// that is not valid protobuf is answered INTERNAL ("The request message could not be parsed.") instead of UNKNOWN.
/// grpc-dotnet reads a unary or server-streaming request before any interceptor runs and reports a parse failure as a
/// handler exception (UNKNOWN); the generated marshallers cannot be replaced, so the request marshaller of each method
/// is wrapped here (docs/MATCHER.md, "Errors"). Stateless, thread-safe.
/// </summary>
/// <typeparam name="TService">The service implementation.</typeparam>
public sealed class ParsingServiceMethodProvider<TService> : IServiceMethodProvider<TService>
    where TService : class
{
    /// <summary>The status message of an unparsable request (fixed: the bytes are never echoed).</summary>
    public const string ParseFailure = "The request message could not be parsed.";

    /// <inheritdoc />
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var attribute = typeof(TService).GetCustomAttribute<BindServiceMethodAttribute>(inherit: true);
        if (attribute is null) return;
        var bind = attribute.BindType.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .FirstOrDefault(m => m.Name == attribute.BindMethodName && m.GetParameters() is { Length: 2 } p && p[0].ParameterType == typeof(ServiceBinderBase));
        if (bind is null) return;
        bind.Invoke(null, [new Binder(context), null]);
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            context.AddUnaryMethod(Parsing(method), Metadata(method.Name, out var m, typeof(TRequest), typeof(ServerCallContext)),
                m.CreateDelegate<UnaryServerMethod<TService, TRequest, TResponse>>());

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddClientStreamingMethod(Parsing(method), Metadata(method.Name, out var m, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext)),
                m.CreateDelegate<ClientStreamingServerMethod<TService, TRequest, TResponse>>());

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddServerStreamingMethod(Parsing(method), Metadata(method.Name, out var m, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)),
                m.CreateDelegate<ServerStreamingServerMethod<TService, TRequest, TResponse>>());

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddDuplexStreamingMethod(Parsing(method), Metadata(method.Name, out var m, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)),
                m.CreateDelegate<DuplexStreamingServerMethod<TService, TRequest, TResponse>>());

        // The class's attributes, then the implementing method's (the override when there is one), as grpc-dotnet does.
        private static List<object> Metadata(string name, out MethodInfo implementation, params Type[] parameters)
        {
            implementation = typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters)
                ?? throw new InvalidOperationException($"{typeof(TService).Name} has no method {name}.");
            var metadata = new List<object>();
            metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true));
            metadata.AddRange(implementation.GetCustomAttributes(inherit: true));
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return metadata;
        }
    }

    private static Method<TRequest, TResponse> Parsing<TRequest, TResponse>(Method<TRequest, TResponse> method)
    {
        var deserialize = method.RequestMarshaller.ContextualDeserializer;
        var marshaller = Marshallers.Create(method.RequestMarshaller.ContextualSerializer, context =>
        {
            try
            {
                return deserialize(context);
            }
            catch (InvalidProtocolBufferException)
            {
                throw new RpcException(new Status(StatusCode.Internal, ParseFailure));
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
    }
}

/// <summary>Registration of <see cref="ParsingServiceMethodProvider{TService}"/> in place of grpc-dotnet's binder.</summary>
public static class ParsingServiceMethodProviderExtensions
{
    /// <summary>Replaces grpc-dotnet's default service method provider (call after <c>AddGrpc</c>).</summary>
    /// <exception cref="InvalidOperationException">The default provider was not found (another grpc-dotnet version).</exception>
    public static IServiceCollection UseParsingServiceMethodProvider(this IServiceCollection services)
    {
        var binder = services.FirstOrDefault(d => d.ServiceType == typeof(IServiceMethodProvider<>)
            && d.ImplementationType?.Name.StartsWith("BinderServiceMethodProvider", StringComparison.Ordinal) == true)
            ?? throw new InvalidOperationException("grpc-dotnet's BinderServiceMethodProvider is not registered: call AddGrpc first, or review this replacement for the grpc-dotnet version in use.");
        services.Remove(binder);
        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(ParsingServiceMethodProvider<>)));
        return services;
    }
}
