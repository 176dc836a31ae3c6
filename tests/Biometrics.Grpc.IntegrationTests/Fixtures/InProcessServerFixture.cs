using Biometrics.Grpc.TestServer;
using Biometrics.Testing;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Biometrics.Grpc.IntegrationTests.Fixtures;

/// <summary>The test server (interop TestService + Health + reflection + a test interceptor, on Grpc.AspNetCore) hosted in
/// the test process on a free loopback port, started once per test class and stopped at the end.</summary>
public sealed class InProcessServerFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public int Port { get; } = FreePort.Next();

    public string Address => $"http://127.0.0.1:{Port}";

    /// <summary>A Grpc.Net.Client channel with the same 4 MiB limit both ways as the server.</summary>
    public GrpcChannel Channel { get; private set; } = null!;

    public HealthServiceImpl Health => _app!.Services.GetRequiredService<HealthServiceImpl>();

    public TestInterceptor Interceptor { get; } = new();

    public static GrpcChannelOptions ChannelOptions() => new()
    {
        MaxSendMessageSize = TestServerHost.MaxMessageSize,
        MaxReceiveMessageSize = TestServerHost.MaxMessageSize,
    };

    public async Task InitializeAsync()
    {
        _app = TestServerHost.Create(["--urls", Address], o => o.Interceptors.Add<TestInterceptor>(),
            b => b.Services.AddSingleton(Interceptor));
        await _app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Channel = GrpcChannel.ForAddress(Address, ChannelOptions());
    }

    public async Task DisposeAsync()
    {
        Channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await _app.DisposeAsync();
        }
    }
}
