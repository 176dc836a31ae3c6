using Grpc.Health.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Biometrics.Grpc.Tests;

public sealed class HealthServiceImplTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Check_WholeServer_ServingByDefault()
    {
        var health = new HealthServiceImpl();
        var response = await health.Check(new HealthCheckRequest(), new FakeServerCallContext(default)).WaitAsync(Timeout);
        Assert.Equal(ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Check_UnknownService_NotFound()
    {
        var health = new HealthServiceImpl();
        var ex = await Assert.ThrowsAsync<RpcException>(() => health.Check(new HealthCheckRequest { Service = "x" }, new FakeServerCallContext(default)).WaitAsync(Timeout));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Watch_UnknownThenSetThenCleared_StreamsEachChange()
    {
        var health = new HealthServiceImpl();
        using var cts = new CancellationTokenSource(Timeout);
        var writer = new ChannelWriterStream<HealthCheckResponse>();
        var watch = health.Watch(new HealthCheckRequest { Service = "svc" }, writer, new FakeServerCallContext(cts.Token));
        var reader = writer.Written.Reader;
        Assert.Equal(ServingStatus.ServiceUnknown, (await reader.ReadAsync(cts.Token)).Status);
        health.SetStatus("svc", ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, (await reader.ReadAsync(cts.Token)).Status);
        health.SetStatus("svc", ServingStatus.NotServing);
        Assert.Equal(ServingStatus.NotServing, (await reader.ReadAsync(cts.Token)).Status);
        health.ClearStatus("svc");
        Assert.Equal(ServingStatus.ServiceUnknown, (await reader.ReadAsync(cts.Token)).Status);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch.WaitAsync(Timeout));
    }
}
