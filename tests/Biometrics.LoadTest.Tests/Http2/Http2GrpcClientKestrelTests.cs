using System.Buffers.Binary;
using System.Diagnostics;
using Biometrics.LoadTest.Http2;
using Biometrics.LoadTest.Targets;
using Grpc.Health.V1;
using Google.Protobuf;

namespace Biometrics.LoadTest.Tests.Http2;

/// <summary>The HTTP/2 client against Kestrel: the standard Health service on Grpc.AspNetCore and raw gRPC endpoints.</summary>
public sealed class Http2GrpcClientKestrelTests(KestrelGrpcServer server) : IClassFixture<KestrelGrpcServer>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task UnaryAsync_HealthCheckOnGrpcAspNetCore_ServingAndOk()
    {
        await using var client = Client();

        var result = await client.UnaryAsync(client.Method(GrpcHealth.Check), new HealthCheckRequest(), HealthCheckResponse.Parser).AsTask().WaitAsync(s_timeout);

        Assert.Equal("OK", result.Label);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, result.Response!.Status);
    }

    [Fact]
    public async Task UnaryAsync_UnknownHealthService_NotFoundWithMessage()
    {
        await using var client = Client();

        var result = await client.UnaryAsync(client.Method(GrpcHealth.Check), new HealthCheckRequest { Service = "nope" }, HealthCheckResponse.Parser).AsTask().WaitAsync(s_timeout);

        Assert.Equal("NOT_FOUND", result.Label);
        Assert.Null(result.Response);
    }

    [Fact]
    public async Task UnaryAsync_StatusInTrailers_StatusAndPercentDecodedMessage()
    {
        await using var client = Client();

        using var response = await client.UnaryAsync("/test.Raw/Fail", new byte[3]).AsTask().WaitAsync(s_timeout);

        Assert.Equal(200, response.HttpStatus);
        Assert.Equal(5, response.Status);
        Assert.Equal("NOT_FOUND", response.Label);
        Assert.Equal("subject ü missing", response.Message);
    }

    [Fact]
    public async Task UnaryAsync_TrailersOnlyResponse_StatusFromTheHeaders()
    {
        await using var client = Client();

        using var response = await client.UnaryAsync("/test.Raw/TrailersOnly", ReadOnlyMemory<byte>.Empty).AsTask().WaitAsync(s_timeout);

        Assert.Equal("UNAUTHENTICATED", response.Label);
        Assert.Equal("no token", response.Message);
    }

    [Fact]
    public async Task UnaryAsync_PathNotMapped_HttpStatusLabel()
    {
        await using var client = Client();

        using var response = await client.UnaryAsync("/not/a/grpc/path", ReadOnlyMemory<byte>.Empty).AsTask().WaitAsync(s_timeout);

        Assert.Equal(404, response.HttpStatus);
        Assert.Equal("HTTP_404", response.Label);
        Assert.False(response.IsOk);
    }

    [Fact]
    public async Task UnaryAsync_DeadlineShorterThanTheMethod_DeadlineExceededInTime()
    {
        await using var client = Client();
        var watch = Stopwatch.StartNew();

        using var response = await client.UnaryAsync("/test.Raw/Slow", ReadOnlyMemory<byte>.Empty, TimeSpan.FromMilliseconds(300)).AsTask().WaitAsync(s_timeout);

        Assert.Equal("DEADLINE_EXCEEDED", response.Label);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task UnaryAsync_RequestOf3MiB_CrossesFlowControlWindowsAndArrivesWhole()
    {
        // Kestrel's windows are 96 KiB per stream and 128 KiB per connection: the request waits for WINDOW_UPDATEs.
        await using var client = Client();
        var message = new byte[3 * 1024 * 1024 + 17];
        Random.Shared.NextBytes(message);

        using var response = await client.UnaryAsync("/test.Raw/Echo", message).AsTask().WaitAsync(s_timeout);

        Assert.Equal("OK", response.Label);
        Assert.Equal(message.Length, BinaryPrimitives.ReadInt64BigEndian(response.Payload.Span));
    }

    [Fact]
    public async Task UnaryAsync_EmbeddingSizedRequestsInParallel_AllArriveWhole()
    {
        await using var client = Client(connections: 2);
        var message = new byte[2100];

        var calls = Enumerable.Range(0, 64).Select(_ => client.UnaryAsync("/test.Raw/Echo", message).AsTask()).ToArray();
        var responses = await Task.WhenAll(calls).WaitAsync(s_timeout);

        Assert.All(responses, r => Assert.Equal(2100, BinaryPrimitives.ReadInt64BigEndian(r.Payload.Span)));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task UnaryAsync_ManyMoreCallsThanStreamSlots_AllOkAndServerLimitRespected()
    {
        await using var client = Client(connections: 2);
        await client.ConnectAsync().WaitAsync(s_timeout);

        var calls = Enumerable.Range(0, 200).Select(_ => client.UnaryAsync("/test.Raw/Concurrent", new byte[10]).AsTask()).ToArray();
        var responses = await Task.WhenAll(calls).WaitAsync(s_timeout);

        Assert.All(responses, r => Assert.Equal("OK", r.Label));
        Assert.All(responses, r => Assert.Equal(new byte[] { 1, 2, 3 }, r.Payload.ToArray()));
        Assert.InRange(server.MaxConcurrent, 2, 2 * KestrelGrpcServer.MaxStreamsPerConnection);
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task ExecuteAsync_RawUnaryTargetOnHealthCheck_Ok()
    {
        await using var target = new RawUnaryGrpcTarget(new ConnectionOptions { Address = server.Address, Connections = 2, Deadline = TimeSpan.FromSeconds(5) },
            GrpcHealth.Check.FullName, new HealthCheckRequest().ToByteArray());
        await target.InitializeAsync(CancellationToken.None).AsTask().WaitAsync(s_timeout);

        var result = await target.ExecuteAsync(new Engine.StepContext(0, Stopwatch.GetTimestamp(), false), CancellationToken.None).AsTask().WaitAsync(s_timeout);

        Assert.Equal("OK", result.Status);
    }

    [Fact]
    public async Task UnaryAsync_CancelledWhileRunning_CancelledAndStreamReset()
    {
        await using var client = Client();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        using var response = await client.UnaryAsync("/test.Raw/Slow", ReadOnlyMemory<byte>.Empty, cancellationToken: cts.Token).AsTask().WaitAsync(s_timeout);
        using var after = await client.UnaryAsync("/test.Raw/Echo", new byte[1]).AsTask().WaitAsync(s_timeout);

        Assert.Equal("CANCELLED", response.Label);
        Assert.Equal("OK", after.Label);
    }

    private Http2GrpcClient Client(int connections = 1) => new(new ConnectionOptions { Address = server.Address, Connections = connections });
}
