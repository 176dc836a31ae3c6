using Biometrics.LoadTest.Http2;
using Biometrics.LoadTest.Targets;
using Google.Protobuf;
using Grpc.Health.V1;

namespace Biometrics.LoadTest.Tests.Http2;

/// <summary>The HTTP/2 client against python grpcio (C-core: Huffman-coded, dynamically indexed response headers).</summary>
public sealed class Http2GrpcClientPythonTests(PythonGrpcServer server) : IClassFixture<PythonGrpcServer>
{
    private const string UnaryCall = "/grpc.testing.TestService/UnaryCall";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task UnaryAsync_HealthCheckRepeatedOnOneConnection_OkEveryTime()
    {
        // The same connection's dynamic table must stay in step with the server's over many responses.
        await using var client = Client();
        var method = client.Method(GrpcHealth.Check);

        for (var i = 0; i < 50; i++)
        {
            var result = await client.UnaryAsync(method, new HealthCheckRequest(), HealthCheckResponse.Parser).AsTask().WaitAsync(s_timeout);

            Assert.Equal("OK", result.Label);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, result.Response!.Status);
        }
    }

    [Fact]
    public async Task UnaryAsync_ServerAborts_StatusAndMessage()
    {
        await using var client = Client();

        using var response = await client.UnaryAsync(UnaryCall, SimpleRequest(0, 0, status: (7, "denied: ü"))).AsTask().WaitAsync(s_timeout);

        Assert.Equal("PERMISSION_DENIED", response.Label);
        Assert.Equal("denied: ü", response.Message);
    }

    [Fact]
    public async Task UnaryAsync_UnknownHealthService_NotFound()
    {
        await using var client = Client();

        var result = await client.UnaryAsync(client.Method(GrpcHealth.Check), new HealthCheckRequest { Service = "nope" }, HealthCheckResponse.Parser).AsTask().WaitAsync(s_timeout);

        Assert.Equal("NOT_FOUND", result.Label);
        Assert.Equal("unknown service", result.Message);
    }

    [Fact]
    public async Task UnaryAsync_LargeRequestAndResponse_BothCrossFlowControlWindows()
    {
        await using var client = Client();

        using var response = await client.UnaryAsync(UnaryCall, SimpleRequest(1_500_000, 1_200_000)).AsTask().WaitAsync(s_timeout);

        Assert.Equal("OK", response.Label);
        Assert.InRange(response.Payload.Length, 1_200_000, 1_200_020);
    }

    [Fact]
    public async Task UnaryAsync_HundredConcurrentCallsOnTwoConnections_AllOk()
    {
        await using var client = Client(2);
        var request = SimpleRequest(2048, 64);

        var calls = Enumerable.Range(0, 100).Select(_ => client.UnaryAsync(UnaryCall, request, TimeSpan.FromSeconds(20)).AsTask()).ToArray();
        var responses = await Task.WhenAll(calls).WaitAsync(s_timeout);

        Assert.All(responses, r => Assert.Equal("OK", r.Label));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    /// <summary>grpc.testing.SimpleRequest: response_size (2), payload (3) with a body (2), response_status (7) with code (1) and message (2).</summary>
    private static byte[] SimpleRequest(int payload, int responseSize, (int Code, string Message)? status = null)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        if (responseSize > 0)
        {
            output.WriteTag(2, WireFormat.WireType.Varint);
            output.WriteInt32(responseSize);
        }

        if (payload > 0)
        {
            var body = ByteString.CopyFrom(new byte[payload]);
            output.WriteTag(3, WireFormat.WireType.LengthDelimited);
            output.WriteLength(CodedOutputStream.ComputeBytesSize(body) + 1);
            output.WriteTag(2, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(body);
        }

        if (status is { } s)
        {
            output.WriteTag(7, WireFormat.WireType.LengthDelimited);
            output.WriteLength(CodedOutputStream.ComputeInt32Size(s.Code) + CodedOutputStream.ComputeStringSize(s.Message) + 2);
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteInt32(s.Code);
            output.WriteTag(2, WireFormat.WireType.LengthDelimited);
            output.WriteString(s.Message);
        }

        output.Flush();
        return stream.ToArray();
    }

    private Http2GrpcClient Client(int connections = 1) => new(new ConnectionOptions { Address = server.Address, Connections = connections });
}
