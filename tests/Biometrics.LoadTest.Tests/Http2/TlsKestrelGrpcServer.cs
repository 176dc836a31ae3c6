using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Biometrics.LoadTest.Tests.Http2;

/// <summary>
/// Kestrel with TLS (h2 via ALPN) and the standard Health service on Grpc.AspNetCore on a free loopback port, with a self-signed
/// certificate for 127.0.0.1 made at start-up; its PEM file is <see cref="CaFile"/>. Stopped and the file deleted on dispose.
/// </summary>
public sealed class TlsKestrelGrpcServer : IAsyncLifetime
{
    private WebApplication? _app;

    public int Port { get; } = Biometrics.Testing.FreePort.Next();

    public Uri Address => new($"https://127.0.0.1:{Port}");

    public string CaFile { get; } = Path.Combine(Path.GetTempPath(), $"biometrics-load-ca-{Guid.NewGuid():N}.pem");

    public async Task InitializeAsync()
    {
        var certificate = await SelfSignedCertificate.CreateAsync(CaFile);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(Port, l =>
        {
            l.Protocols = HttpProtocols.Http2;
            l.UseHttps(certificate);
        }));
        builder.Services.AddServingHealth();
        _app = builder.Build();
        _app.MapHealth();
        await _app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await _app.DisposeAsync();
        }

        File.Delete(CaFile);
    }
}
