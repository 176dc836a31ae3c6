using System.Reflection;
using Biometrics.Grpc.Internal;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Biometrics.Grpc.Server;

/// <summary>Binds the RPCs of a protobuf <see cref="ServiceDescriptor"/> to the like-named methods of a service class,
/// once at start-up, producing one request delegate per RPC.</summary>
internal static class ServiceBinder
{
    private static readonly MethodInfo CreateHandlerMethod =
        typeof(ServiceBinder).GetMethod(nameof(CreateHandler), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static List<(string Route, RequestDelegate Handler)> Bind<TService>(ServiceDescriptor service, IServiceProvider services)
        where TService : class
    {
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GrpcServerOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Biometrics.Grpc.Server");
        var registry = services.GetRequiredService<GrpcServiceRegistry>();
        var interceptors = options.Interceptors.Create(services);
        var activator = CreateActivator<TService>(services);
        var routes = new List<(string, RequestDelegate)>();
        registry.AddService(service.FullName);
        foreach (var md in service.Methods)
        {
            var route = "/" + service.FullName + "/" + md.Name;
            var type = Method.GetMethodType(md);
            var target = FindMethod(typeof(TService), md, type);
            if (target is null)
            {
                ServerLog.MethodUnimplemented(logger, route, typeof(TService).FullName ?? typeof(TService).Name);
                routes.Add((route, http => UnimplementedHandler.Respond(http, StatusCode.Unimplemented, "Method is unimplemented.")));
                continue;
            }
            var factory = CreateHandlerMethod.MakeGenericMethod(typeof(TService), md.InputType.ClrType, md.OutputType.ClrType);
            var handler = (RequestDelegate)factory.Invoke(null, [md, target, activator, options, logger, interceptors])!;
            routes.Add((route, handler));
            ServerLog.MethodMapped(logger, route, type);
        }
        return routes;
    }

    private static RequestDelegate CreateHandler<TService, TRequest, TResponse>(MethodDescriptor md, MethodInfo target,
        Func<HttpContext, TService> activator, GrpcServerOptions options, ILogger logger, List<Interceptor> interceptors)
        where TService : class
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = Method.FromDescriptor<TRequest, TResponse>(md);
        Delegate invoker = method.Type switch
        {
            MethodType.Unary => target.CreateDelegate<Func<TService, TRequest, ServerCallContext, Task<TResponse>>>(),
            MethodType.ClientStreaming => target.CreateDelegate<Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>>>(),
            MethodType.ServerStreaming => target.CreateDelegate<Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(),
            _ => target.CreateDelegate<Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(),
        };
        var info = new ServerMethodInfo(method, options, logger);
        var handler = new ServerMethodHandler<TService, TRequest, TResponse>(info, method, activator, invoker, interceptors);
        return handler.HandleCallAsync;
    }

    /// <summary>The public instance method named like the RPC with grpc-dotnet's conventional signature, or null.</summary>
    private static MethodInfo? FindMethod(Type serviceType, MethodDescriptor md, MethodType type)
    {
        var req = md.InputType.ClrType;
        var resp = md.OutputType.ClrType;
        if (req is null || resp is null) return null;
        Type[] parameters = type switch
        {
            MethodType.Unary => [req, typeof(ServerCallContext)],
            MethodType.ClientStreaming => [typeof(IAsyncStreamReader<>).MakeGenericType(req), typeof(ServerCallContext)],
            MethodType.ServerStreaming => [req, typeof(IServerStreamWriter<>).MakeGenericType(resp), typeof(ServerCallContext)],
            _ => [typeof(IAsyncStreamReader<>).MakeGenericType(req), typeof(IServerStreamWriter<>).MakeGenericType(resp), typeof(ServerCallContext)],
        };
        var returnType = type is MethodType.Unary or MethodType.ClientStreaming ? typeof(Task<>).MakeGenericType(resp) : typeof(Task);
        var m = serviceType.GetMethod(md.Name, BindingFlags.Public | BindingFlags.Instance, parameters);
        return m is not null && m.ReturnType == returnType ? m : null;
    }

    /// <summary>Per-call resolution from DI when the service is registered (singletons are resolved once); otherwise one
    /// shared instance created at start-up.</summary>
    private static Func<HttpContext, TService> CreateActivator<TService>(IServiceProvider services) where TService : class
    {
        var isService = services.GetService<IServiceProviderIsService>();
        if (isService is not null && isService.IsService(typeof(TService)))
        {
            using var a = services.CreateScope();
            using var b = services.CreateScope();
            var first = a.ServiceProvider.GetRequiredService<TService>();
            if (ReferenceEquals(first, b.ServiceProvider.GetRequiredService<TService>()))
            {
                return _ => first; // singleton: no per-call lookup (and no per-request scope)
            }
            return static http => http.RequestServices.GetRequiredService<TService>();
        }
        var shared = ActivatorUtilities.CreateInstance<TService>(services);
        return _ => shared;
    }
}
