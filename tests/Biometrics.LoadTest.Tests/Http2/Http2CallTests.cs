using Biometrics.LoadTest.Http2;
using Biometrics.LoadTest.Targets;

namespace Biometrics.LoadTest.Tests.Http2;

public sealed class Http2CallTests
{
    [Fact]
    public async Task CopyRequest_UnaryCall_GivesThePrefixThenTheCallersOwnBytes()
    {
        await using var client = new Http2GrpcClient(new ConnectionOptions { Address = new Uri("http://127.0.0.1:1") });
        var call = new Http2Call(client);
        var message = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

        call.Prepare(GrpcMethod.Create("/a.B/C", "127.0.0.1:1", https: false, bearerToken: null), message, deadlineTimestamp: 0);

        Assert.Equal(15, call.RequestLength);
        var all = new byte[15];
        call.CopyRequest(0, all);
        Assert.Equal([0, 0, 0, 0, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], all);
        var across = new byte[4];
        call.CopyRequest(3, across); // the end of the prefix and the start of the message, as a DATA frame split there takes them
        Assert.Equal([0, 10, 1, 2], across);
        message[6] = 42; // sent from where it is, not from a copy
        var tail = new byte[4];
        call.CopyRequest(11, tail);
        Assert.Equal([42, 8, 9, 10], tail);
    }
}
