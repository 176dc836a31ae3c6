using Biometrics.Grpc.Interop;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Biometrics.Grpc.TestServer;

/// <summary>Builds the test host: Health and the interop TestService on our gRPC layer.</summary>
public static class TestServerHost
{
    /// <summary>Creates (does not start) the host for the given command-line arguments (e.g. <c>--urls</c>).</summary>
    public static WebApplication Create(string[] args, Action<GrpcServerOptions>? configure = null, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Biometrics.Grpc", LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Services.AddBiometricsGrpc(o =>
        {
            o.EnableDetailedErrors = false;
            configure?.Invoke(o);
        });
        builder.Services.AddSingleton<InteropTestService>();
        customize?.Invoke(builder);
        var app = builder.Build();
        app.MapGrpcHealthService();
        app.MapGrpcService<InteropTestService>(TestReflection.Descriptor.Services.Single(s => s.Name == "TestService"));
        return app;
    }
}
