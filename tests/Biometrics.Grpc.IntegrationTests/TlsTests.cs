using System.Security.Cryptography.X509Certificates;
using Biometrics.Grpc.IntegrationTests.Fixtures;
using Biometrics.Grpc.Interop;
using Biometrics.Grpc.TestServer;
using Biometrics.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Biometrics.Grpc.IntegrationTests;

/// <summary>TLS with ALPN h2: a private CA as the client's root, and mutual TLS with a client certificate.</summary>
public sealed class TlsTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly int _port = FreePort.Next();
    private readonly TestInterceptor _interceptor = new();
    private X509Certificate2 _ca = null!;
    private X509Certificate2 _serverCert = null!;
    private X509Certificate2 _clientCert = null!;
    private WebApplication? _app;

    public async Task InitializeAsync()
    {
        _ca = TestCertificates.Authority("Biometrics Test CA");
        _serverCert = TestCertificates.Server(_ca);
        _clientCert = TestCertificates.Client(_ca, "gate-007");
        var roots = new X509Certificate2Collection(_ca);
        _app = TestServerHost.Create([], o => o.Interceptors.Add<TestInterceptor>(), b =>
        {
            b.Services.AddSingleton(_interceptor);
            b.WebHost.ConfigureKestrel(k => k.ListenLocalhost(_port, l => l.UseTestTls(_serverCert, roots)));
        });
        await _app.StartAsync().WaitAsync(Timeout);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(Timeout);
            await _app.DisposeAsync();
        }
        _ca.Dispose();
        _serverCert.Dispose();
        _clientCert.Dispose();
    }

    [Fact]
    public async Task UnaryCall_MutualTlsWithCustomRoot_SucceedsAndServerSeesClientCertificate()
    {
        using var channel = TlsChannel(_ca, _clientCert);
        var client = new TestService.TestServiceClient(channel);
        using var call = client.UnaryCallAsync(new SimpleRequest { ResponseSize = 10 }, deadline: DateTime.UtcNow + Timeout);
        Assert.Equal(10, (await call.ResponseAsync.WaitAsync(Timeout)).Payload.Body.Length);
        Assert.Equal("CN=gate-007", call.GetTrailers().GetValue("x-test-peer"));
    }

    [Fact]
    public async Task UnaryCall_ServerCertificateNotTrusted_Unavailable()
    {
        using var otherCa = TestCertificates.Authority("Someone Else");
        using var channel = TlsChannel(otherCa, _clientCert);
        var client = new TestService.TestServiceClient(channel);
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EmptyCallAsync(new Empty(), deadline: DateTime.UtcNow + Timeout).ResponseAsync.WaitAsync(Timeout));
        // Grpc.Net.Client answers UNAVAILABLE for I/O and socket failures but INTERNAL for a failed TLS handshake (our own
        // client said UNAVAILABLE): the status differs, the cause must still be the certificate check.
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.True(Causes(ex.Status.DebugException).OfType<System.Security.Authentication.AuthenticationException>().Any(), ex.ToString());
    }

    [Fact]
    public async Task UnaryCall_NoClientCertificate_Rejected()
    {
        using var channel = TlsChannel(_ca, clientCertificate: null);
        var client = new TestService.TestServiceClient(channel);
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EmptyCallAsync(new Empty(), deadline: DateTime.UtcNow + Timeout).ResponseAsync.WaitAsync(Timeout));
        Assert.NotEqual(StatusCode.OK, ex.StatusCode);
    }

    [Fact]
    public async Task UnaryCall_ClientCertificateFromAnotherCa_Rejected()
    {
        using var otherCa = TestCertificates.Authority("Biometrics Test CA");   // same name, different key
        using var foreignClient = TestCertificates.Client(otherCa, "gate-007");
        using var channel = TlsChannel(_ca, foreignClient);
        var client = new TestService.TestServiceClient(channel);
        var callsBefore = _interceptor.Calls;
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EmptyCallAsync(new Empty(), deadline: DateTime.UtcNow + Timeout).ResponseAsync.WaitAsync(Timeout));
        Assert.NotEqual(StatusCode.OK, ex.StatusCode);
        Assert.Equal(callsBefore, _interceptor.Calls); // refused in the handshake, never reached a handler
    }

    private static IEnumerable<Exception> Causes(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException) yield return ex;
    }

    /// <summary>A Grpc.Net.Client channel that trusts only <paramref name="root"/> for the server's certificate and
    /// presents <paramref name="clientCertificate"/> (mutual TLS) when given.</summary>
    private GrpcChannel TlsChannel(X509Certificate2 root, X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) != System.Net.Security.SslPolicyErrors.None) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(root);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(presented);
        };
        if (clientCertificate is not null) handler.SslOptions.ClientCertificates = new X509CertificateCollection { clientCertificate };
        return GrpcChannel.ForAddress($"https://localhost:{_port}", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }
}
