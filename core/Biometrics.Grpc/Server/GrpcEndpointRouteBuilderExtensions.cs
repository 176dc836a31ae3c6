using Biometrics.Grpc.Internal;
using Biometrics.Grpc.Server;
using Google.Protobuf.Reflection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Biometrics.Grpc;

/// <summary>Maps gRPC services to endpoint routes.</summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>Maps every RPC of <paramref name="service"/> to the like-named method of <typeparamref name="TService"/>
    /// (grpc-dotnet's signatures), bound once to compiled delegates. RPCs without a method answer UNIMPLEMENTED (logged
    /// at start-up); calls to unknown services or methods answer UNIMPLEMENTED too. Requires
    /// <see cref="GrpcServiceCollectionExtensions.AddBiometricsGrpc"/>.</summary>
    public static IEndpointConventionBuilder MapGrpcService<TService>(this IEndpointRouteBuilder endpoints, ServiceDescriptor service)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(service);
        var sp = endpoints.ServiceProvider;
        var registry = sp.GetService<GrpcServiceRegistry>()
            ?? throw new InvalidOperationException("Call services.AddBiometricsGrpc() before mapping gRPC services.");
        var builders = new List<IEndpointConventionBuilder>();
        foreach (var (route, handler) in ServiceBinder.Bind<TService>(service, sp))
        {
            builders.Add(endpoints.MapPost(route, handler).WithDisplayName("gRPC " + route));
        }
        if (!registry.FallbackMapped)
        {
            registry.FallbackMapped = true;
            // Literal routes win over parameters, so this only catches unknown services and methods.
            endpoints.MapPost("/{service}/{method}", http => UnimplementedHandler.RespondAsync(http, registry))
                .WithDisplayName("gRPC unimplemented");
        }
        return new CompositeConventionBuilder(builders);
    }

    /// <summary>Maps the standard <c>grpc.health.v1.Health</c> service to the singleton <see cref="HealthServiceImpl"/>.</summary>
    public static IEndpointConventionBuilder MapGrpcHealthService(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGrpcService<HealthServiceImpl>(HealthReflection.Descriptor.Services[0]);
}
