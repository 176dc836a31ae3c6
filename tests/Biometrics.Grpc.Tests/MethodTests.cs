using Grpc.Health.V1;

namespace Biometrics.Grpc.Tests;

public sealed class MethodTests
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Health = HealthReflection.Descriptor.Services[0];

    [Fact]
    public void FromDescriptor_UnaryMethod_RouteAndKind()
    {
        var method = Method.FromDescriptor<HealthCheckRequest, HealthCheckResponse>(Health.FindMethodByName("Check"));
        Assert.Equal(MethodType.Unary, method.Type);
        Assert.Equal("/grpc.health.v1.Health/Check", method.FullName);
        Assert.Equal("grpc.health.v1.Health", method.ServiceName);
    }

    [Fact]
    public void FromDescriptor_ServerStreamingMethod_Kind() =>
        Assert.Equal(MethodType.ServerStreaming, Method.FromDescriptor<HealthCheckRequest, HealthCheckResponse>(Health.FindMethodByName("Watch")).Type);

    [Fact]
    public void FromDescriptor_WrongMessageTypes_Throws() =>
        Assert.Throws<ArgumentException>(() => Method.FromDescriptor<HealthCheckResponse, HealthCheckResponse>(Health.FindMethodByName("Check")));

    [Fact]
    public void ServiceClient_UnknownMethodName_Throws()
    {
        using var channel = GrpcChannel.ForAddress("http://127.0.0.1:1");
        var client = new ServiceClient(channel, Health);
        Assert.Throws<ArgumentException>(() => client.GetMethod<HealthCheckRequest, HealthCheckResponse>("Nope"));
        Assert.Same(client.GetMethod<HealthCheckRequest, HealthCheckResponse>("Check"), client.GetMethod<HealthCheckRequest, HealthCheckResponse>("Check"));
    }

    [Fact]
    public void GrpcChannel_NonHttpScheme_Throws() => Assert.Throws<ArgumentException>(() => GrpcChannel.ForAddress("ftp://127.0.0.1:1"));

    [Fact]
    public async Task UnaryCall_DeadlineAlreadyPassed_DeadlineExceededWithoutConnecting()
    {
        using var channel = GrpcChannel.ForAddress("http://127.0.0.1:1");
        var client = new ServiceClient(channel, Health);
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync<HealthCheckRequest, HealthCheckResponse>("Check", new HealthCheckRequest(),
            new CallOptions(deadline: DateTime.UtcNow.AddSeconds(-1))).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }
}
