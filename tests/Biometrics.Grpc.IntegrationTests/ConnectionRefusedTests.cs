using Biometrics.Grpc.Interop;
using Biometrics.Testing;

namespace Biometrics.Grpc.IntegrationTests;

/// <summary>Streaming calls to a port where nothing listens: the failure to connect must reach every pending operation.</summary>
public sealed class ConnectionRefusedTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static TestService.TestServiceClient Client(GrpcChannel channel) => new(channel);

    [Fact]
    public async Task DuplexWrite_ConnectionRefused_FailsWithUnavailable()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{FreePort.Next()}");
        using var call = Client(channel).FullDuplexCall(deadline: DateTime.UtcNow.AddSeconds(30));

        // The write is issued before the connection attempt fails, so it waits for a request stream that never opens.
        var write = call.RequestStream.WriteAsync(new StreamingOutputCallRequest());
        var ex = await Assert.ThrowsAsync<RpcException>(() => write.WaitAsync(Bound));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        var headers = await Assert.ThrowsAsync<RpcException>(() => call.ResponseHeadersAsync.WaitAsync(Bound));
        Assert.Equal(StatusCode.Unavailable, headers.StatusCode);
    }

    [Fact]
    public async Task DuplexWrite_AfterConnectionRefused_FailsWithUnavailable()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{FreePort.Next()}");
        using var call = Client(channel).FullDuplexCall(deadline: DateTime.UtcNow.AddSeconds(30));
        await Assert.ThrowsAsync<RpcException>(() => call.ResponseHeadersAsync.WaitAsync(Bound));

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.RequestStream.WriteAsync(new StreamingOutputCallRequest()).WaitAsync(Bound));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task ClientStreamingWrite_ConnectionRefused_FailsWithUnavailable()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{FreePort.Next()}");
        using var call = Client(channel).StreamingInputCall(deadline: DateTime.UtcNow.AddSeconds(30));

        var write = call.RequestStream.WriteAsync(new StreamingInputCallRequest());
        var ex = await Assert.ThrowsAsync<RpcException>(() => write.WaitAsync(Bound));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }
}
