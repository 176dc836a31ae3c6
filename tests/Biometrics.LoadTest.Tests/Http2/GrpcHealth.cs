using Biometrics.LoadTest.Targets;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Biometrics.LoadTest.Tests.Http2;

/// <summary>The standard health service (Grpc.HealthCheck) for the test servers, and its Check method from the generated code.</summary>
internal static class GrpcHealth
{
    /// <summary>grpc.health.v1.Health/Check, as the generated code declares it.</summary>
    public static Method<HealthCheckRequest, HealthCheckResponse> Check { get; } = GeneratedMethods.Find<HealthCheckRequest, HealthCheckResponse>(b => Health.BindService(b, null), MethodType.Unary);

    /// <summary>Registers Grpc.AspNetCore and the health service reporting the server as a whole ("") SERVING; every other name is NOT_FOUND.</summary>
    public static void AddServingHealth(this IServiceCollection services)
    {
        services.AddGrpc();
        var health = new HealthServiceImpl();
        health.SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.Serving);
        services.AddSingleton(health);
    }

    /// <summary>Maps the health service registered by <see cref="AddServingHealth"/>.</summary>
    public static void MapHealth(this WebApplication app) => app.MapGrpcService<HealthServiceImpl>();
}
