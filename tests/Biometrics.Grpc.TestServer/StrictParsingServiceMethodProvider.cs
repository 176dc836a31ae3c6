using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Biometrics.Grpc.TestServer;

/// <summary>Binds gRPC services the way grpc-dotnet's default binder does (the static <c>BindService</c> method that
/// <see cref="BindServiceMethodAttribute"/> on the generated <c>*Base</c> class names), with one difference: a request
/// message that is not valid protobuf ends the call with INTERNAL and a fixed message, as the gRPC status code table asks
/// for ("error parsing request proto"), instead of the UNKNOWN "Exception was thrown by handler." that Grpc.AspNetCore
/// 2.85 answers for any non-<see cref="RpcException"/>. Registered in place of the default provider by
/// <see cref="TestServerHost"/>; the cost is one try block per request message.</summary>
/// <remarks>Metadata (e.g. <c>[Authorize]</c>) comes from the service class and the method, as with the default binder.
/// An RPC the service does not override is not bound, so it answers UNIMPLEMENTED like an unknown method.</remarks>
public sealed class StrictParsingServiceMethodProvider<TService> : IServiceMethodProvider<TService> where TService : class
{
    /// <summary>The status message for an unparsable request: fixed, never an excerpt of the input.</summary>
    public const string ParseErrorMessage = "The request message is not valid protobuf.";

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var bind = FindBindAttribute(typeof(TService));
        if (bind is null) return;
        // The generated class has BindService(ServiceBinderBase, TBase) next to BindService(TBase).
        var bindMethod = bind.BindType.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                .SingleOrDefault(m => m.Name == bind.BindMethodName && m.GetParameters() is [{ } first, _] && first.ParameterType == typeof(ServiceBinderBase))
            ?? throw new InvalidOperationException($"{bind.BindType} has no static {bind.BindMethodName}.");
        bindMethod.Invoke(null, [new Binder(context), null]);
    }

    private static BindServiceMethodAttribute? FindBindAttribute(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } attribute) return attribute;
        }
        return null;
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            if (Find(method, typeof(TRequest), typeof(ServerCallContext)) is { } m)
            {
                context.AddUnaryMethod(Strict(method), Metadata(m), m.CreateDelegate<UnaryServerMethod<TService, TRequest, TResponse>>());
            }
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            if (Find(method, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext)) is { } m)
            {
                context.AddClientStreamingMethod(Strict(method), Metadata(m), m.CreateDelegate<ClientStreamingServerMethod<TService, TRequest, TResponse>>());
            }
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            if (Find(method, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)) is { } m)
            {
                context.AddServerStreamingMethod(Strict(method), Metadata(m), m.CreateDelegate<ServerStreamingServerMethod<TService, TRequest, TResponse>>());
            }
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            if (Find(method, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)) is { } m)
            {
                context.AddDuplexStreamingMethod(Strict(method), Metadata(m), m.CreateDelegate<DuplexStreamingServerMethod<TService, TRequest, TResponse>>());
            }
        }

        /// <summary>The service's implementation of the RPC, or null when it does not override the generated stub.</summary>
        private static MethodInfo? Find(IMethod method, params Type[] parameters)
        {
            var m = typeof(TService).GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance, parameters);
            // The generated stubs are declared on the *Base class (the one carrying the attribute); an override is not.
            return m?.DeclaringType?.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is null ? m : null;
        }

        private static List<object> Metadata(MethodInfo method)
        {
            var metadata = new List<object>(typeof(TService).GetCustomAttributes(inherit: true));
            metadata.AddRange(method.GetCustomAttributes(inherit: true));
            return metadata;
        }

        private static Method<TRequest, TResponse> Strict<TRequest, TResponse>(Method<TRequest, TResponse> method)
        {
            var inner = method.RequestMarshaller;
            var deserializer = inner.ContextualDeserializer;
            var marshaller = Marshallers.Create(inner.ContextualSerializer, ctx =>
            {
                try
                {
                    return deserializer(ctx);
                }
                catch (InvalidProtocolBufferException)
                {
                    throw new RpcException(new Status(StatusCode.Internal, ParseErrorMessage));
                }
            });
            return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
        }
    }
}
