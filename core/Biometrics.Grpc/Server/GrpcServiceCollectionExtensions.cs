using Biometrics.Grpc.Internal;
using Biometrics.Grpc.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Biometrics.Grpc;

/// <summary>Registers the gRPC server layer.</summary>
public static class GrpcServiceCollectionExtensions
{
    /// <summary>Adds the gRPC server services, the health service (<see cref="HealthServiceImpl"/>, singleton) and, unless
    /// <see cref="GrpcServerOptions.ConfigureKestrel"/> is false, Kestrel tuning for gRPC.</summary>
    public static IServiceCollection AddBiometricsGrpc(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRouting();
        services.AddOptions<GrpcServerOptions>();
        if (configure is not null) services.Configure(configure);
        services.TryAddSingleton<GrpcServiceRegistry>();
        services.TryAddSingleton<HealthServiceImpl>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, GrpcKestrelOptionsSetup>());
        return services;
    }
}
