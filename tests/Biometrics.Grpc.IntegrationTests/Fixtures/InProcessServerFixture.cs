using Biometrics.Grpc.TestServer;
using Biometrics.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Biometrics.Grpc.IntegrationTests.Fixtures;

/// <summary>Our server (interop TestService + Health + a test interceptor) hosted in the test process on a free
/// loopback port, started once per test class and stopped at the end.</summary>
public sealed class InProcessServerFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public int Port { get; } = FreePort.Next();

    public string Address => $"http://127.0.0.1:{Port}";

    public GrpcChannel Channel { get; private set; } = null!;

    public HealthServiceImpl Health => _app!.Services.GetRequiredService<HealthServiceImpl>();

    public TestInterceptor Interceptor { get; } = new();

    public async Task InitializeAsync()
    {
        _app = TestServerHost.Create(["--urls", Address], o => o.Interceptors.Add(Interceptor));
        await _app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Channel = GrpcChannel.ForAddress(Address);
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
