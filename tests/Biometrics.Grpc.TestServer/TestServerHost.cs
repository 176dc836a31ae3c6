using Biometrics.Matcher.Grpc;
using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Biometrics.Grpc.TestServer;

/// <summary>Builds the test host on Grpc.AspNetCore: the interop TestService, the standard health service
/// (Grpc.HealthCheck) and server reflection, with the Kestrel HTTP/2 settings the matcher uses.</summary>
public static class TestServerHost
{
    /// <summary>The message limit both ways (grpc-dotnet's default receive limit; its send limit is unbounded by default).</summary>
    public const int MaxMessageSize = 4 * 1024 * 1024;

    /// <summary>Creates (does not start) the host for the given command-line arguments (e.g. <c>--urls</c>).</summary>
    public static WebApplication Create(string[] args, Action<GrpcServiceOptions>? configure = null, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // Kestrel's defaults are 100 streams, 96 KiB stream and 128 KiB connection windows (docs/GRPC.md).
            k.Limits.Http2.MaxStreamsPerConnection = 1000;
            k.Limits.Http2.InitialStreamWindowSize = 1024 * 1024;
            k.Limits.Http2.InitialConnectionWindowSize = 4 * 1024 * 1024;
            // Plain text needs HTTP/2 with prior knowledge; on TLS this makes ALPN offer h2 only.
            k.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddGrpc(o =>
        {
            o.EnableDetailedErrors = false;
            o.MaxReceiveMessageSize = MaxMessageSize;
            o.MaxSendMessageSize = MaxMessageSize;
            configure?.Invoke(o);
        });
        // Unparsable requests answer INTERNAL, not UNKNOWN (the matcher's ParsingServiceMethodProvider).
        builder.Services.UseParsingServiceMethodProvider();
        builder.Services.AddGrpcReflection();
        builder.Services.AddSingleton<HealthServiceImpl>();
        customize?.Invoke(builder);
        var app = builder.Build();
        var health = app.Services.GetRequiredService<HealthServiceImpl>();
        health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        health.SetStatus(Interop.TestService.Descriptor.FullName, HealthCheckResponse.Types.ServingStatus.Serving);
        app.MapGrpcService<HealthServiceImpl>();
        app.MapGrpcService<InteropTestService>();
        app.MapGrpcReflectionService();
        return app;
    }
}
