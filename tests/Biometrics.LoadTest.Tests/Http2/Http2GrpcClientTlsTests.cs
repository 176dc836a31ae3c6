using Biometrics.LoadTest.Http2;
using Biometrics.LoadTest.Targets;
using Grpc.Health.V1;

namespace Biometrics.LoadTest.Tests.Http2;

/// <summary>The HTTP/2 client over TLS (ALPN h2) against Kestrel with a private CA.</summary>
public sealed class Http2GrpcClientTlsTests(TlsKestrelGrpcServer server) : IClassFixture<TlsKestrelGrpcServer>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task UnaryAsync_PrivateCaFile_HealthCheckOk()
    {
        await using var client = new Http2GrpcClient(new ConnectionOptions { Address = server.Address, CaCertificateFile = server.CaFile, Connections = 1 });

        var result = await client.UnaryAsync(client.Method(GrpcHealth.Check), new HealthCheckRequest(), HealthCheckResponse.Parser).AsTask().WaitAsync(s_timeout);

        Assert.Equal("OK", result.Label);
    }

    [Fact]
    public async Task UnaryAsync_InsecureSkipVerify_HealthCheckOk()
    {
        await using var client = new Http2GrpcClient(new ConnectionOptions { Address = server.Address, InsecureSkipVerify = true, Connections = 1 });

        var result = await client.UnaryAsync(client.Method(GrpcHealth.Check), new HealthCheckRequest(), HealthCheckResponse.Parser).AsTask().WaitAsync(s_timeout);

        Assert.Equal("OK", result.Label);
    }

    [Fact]
    public async Task UnaryAsync_UntrustedCertificate_UnavailableWithTheReason()
    {
        await using var client = new Http2GrpcClient(new ConnectionOptions { Address = server.Address, Connections = 1 });

        using var response = await client.UnaryAsync(GrpcHealth.Check.FullName, ReadOnlyMemory<byte>.Empty).AsTask().WaitAsync(s_timeout);

        Assert.Equal("UNAVAILABLE", response.Label);
        Assert.Contains("not connected", response.Message, StringComparison.Ordinal);
    }
}
