using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Biometrics.Grpc.IntegrationTests.Fixtures;
using Biometrics.Grpc.Interop;
using Biometrics.Testing;
using Google.Protobuf;
using Grpc.Health.V1;

namespace Biometrics.Grpc.IntegrationTests;

/// <summary>Raw HTTP/2 requests with broken gRPC framing: each gets the right status and the server keeps serving.</summary>
public sealed class MalformedInputTests(InProcessServerFixture server) : IClassFixture<InProcessServerFixture>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private const string UnaryPath = "/grpc.testing.TestService/UnaryCall";
    private readonly HttpClient _http = new(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode Http, string? GrpcStatus, string? GrpcMessage)> PostAsync(string path, byte[] body, string contentType = "application/grpc")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Address + path) { Content = new ByteArrayContent(body), Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using var response = await _http.SendAsync(request).WaitAsync(Timeout);
        await response.Content.ReadAsByteArrayAsync().WaitAsync(Timeout);
        string? Get(string name) => response.Headers.TryGetValues(name, out var v) || response.TrailingHeaders.TryGetValues(name, out v) ? v.First() : null;
        return (response.StatusCode, Get("grpc-status"), Get("grpc-message"));
    }

    private async Task AssertServerHealthyAsync()
    {
        var health = await new Health.HealthClient(server.Channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + Timeout).ResponseAsync.WaitAsync(Timeout);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        var client = new TestService.TestServiceClient(server.Channel);
        var response = await client.UnaryCallAsync(new SimpleRequest { ResponseSize = 3 }, deadline: DateTime.UtcNow + Timeout).ResponseAsync.WaitAsync(Timeout);
        Assert.Equal(3, response.Payload.Body.Length);
    }

    [Fact]
    public async Task Post_TruncatedFrame_Internal()
    {
        byte[] body = [0, 0, 0, 0, 100, 1, 2, 3];
        var (http, status, message) = await PostAsync(UnaryPath, body);
        Assert.Equal(HttpStatusCode.OK, http);
        Assert.Equal(((int)StatusCode.Internal).ToString(), status);
        Assert.Contains("Incomplete", message, StringComparison.OrdinalIgnoreCase);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Post_TruncatedHeader_Internal()
    {
        var (_, status, _) = await PostAsync(UnaryPath, [0, 0, 0]);
        Assert.Equal(((int)StatusCode.Internal).ToString(), status);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Post_LengthPrefixOverLimit_ResourceExhausted()
    {
        byte[] body = [0, 0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3];
        var (_, status, _) = await PostAsync(UnaryPath, body);
        Assert.Equal(((int)StatusCode.ResourceExhausted).ToString(), status);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Post_WrongContentType_Http415()
    {
        var (http, status, _) = await PostAsync(UnaryPath, [0, 0, 0, 0, 0], "application/json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, http);
        Assert.Equal(((int)StatusCode.Internal).ToString(), status);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Post_GarbageProtobuf_Internal()
    {
        byte[] body = [0, 0, 0, 0, 6, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        var (_, status, _) = await PostAsync(UnaryPath, body);
        Assert.Equal(((int)StatusCode.Internal).ToString(), status);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Post_InvalidCompressedFlag_UnknownWithFixedMessage()
    {
        // Our former layer answered INTERNAL. Grpc.AspNetCore's framing reader throws InvalidDataException before any
        // deserializer or interceptor runs, which it maps to UNKNOWN with its fixed text; the spec names no status for a
        // flag other than 0 or 1. What must hold: an error at once, nothing of the input or the exception echoed, the
        // server unharmed (docs/GRPC.md).
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var (http, status, message) = await PostAsync(UnaryPath, [7, 0, 0, 0, 0]);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"answered after {stopwatch.Elapsed}");
        Assert.Equal(HttpStatusCode.OK, http);
        Assert.Equal(((int)StatusCode.Unknown).ToString(), status);
        Assert.Equal("Exception was thrown by handler.", message);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Post_TwoMessagesToUnary_Internal()
    {
        var (_, status, _) = await PostAsync(UnaryPath, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        Assert.Equal(((int)StatusCode.Internal).ToString(), status);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Post_UnsupportedEncoding_UnimplementedWithAcceptEncoding()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Address + UnaryPath) { Content = new ByteArrayContent([1, 0, 0, 0, 0]), Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/grpc");
        request.Headers.TryAddWithoutValidation("grpc-encoding", "snappy");
        using var response = await _http.SendAsync(request).WaitAsync(Timeout);
        Assert.Equal(((int)StatusCode.Unimplemented).ToString(), response.Headers.GetValues("grpc-status").First());
        Assert.Contains("gzip", response.Headers.GetValues("grpc-accept-encoding").First(), StringComparison.Ordinal);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Post_GzipCompressedMessage_Accepted()
    {
        var message = new SimpleRequest { ResponseSize = 7 }.ToByteArray();
        using var raw = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(raw, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) gz.Write(message);
        var compressed = raw.ToArray();
        var body = new byte[5 + compressed.Length];
        body[0] = 1;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)compressed.Length);
        compressed.CopyTo(body, 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Address + UnaryPath) { Content = new ByteArrayContent(body), Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/grpc");
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        using var response = await _http.SendAsync(request).WaitAsync(Timeout);
        var bytes = await response.Content.ReadAsByteArrayAsync().WaitAsync(Timeout);
        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").First());
        Assert.Equal(7, SimpleResponse.Parser.ParseFrom(bytes.AsSpan(5)).Payload.Body.Length);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Socket_GarbageBytes_ConnectionClosedAndServerHealthy()
    {
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(IPAddress.Loopback, server.Port).WaitAsync(Timeout);
            var garbage = new byte[4096];
            new Random(1).NextBytes(garbage);
            await socket.SendAsync(garbage).WaitAsync(Timeout);
            var buffer = new byte[1024];
            try
            {
                while (await socket.ReceiveAsync(buffer).WaitAsync(Timeout) > 0)
                {
                    // Drain until the server closes the connection (it may send a GOAWAY first).
                }
            }
            catch (SocketException)
            {
                // A reset is an acceptable way to close.
            }
        }
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Post_UnknownService_Unimplemented()
    {
        var (http, status, message) = await PostAsync("/no.such.Service/Method", [0, 0, 0, 0, 0]);
        Assert.Equal(HttpStatusCode.OK, http);
        Assert.Equal(((int)StatusCode.Unimplemented).ToString(), status);
        Assert.Equal("Service is unimplemented.", message);
        await AssertServerHealthyAsync();
    }

    // A status message never echoes unbounded caller input: a fixed text, or a short excerpt at most.
    private const int ShortMessage = 200;

    [Theory]
    [InlineData(UnaryPath, "08ffffffffffffffffffff01")]           // a varint longer than 10 bytes
    [InlineData(UnaryPath, "1a6401020304")]                     // payload declared 100 bytes, 4 present
    [InlineData(UnaryPath, "0001")]                             // field number 0
    [InlineData(UnaryPath, "1a04ffffffff")]                     // garbage inside the nested payload message
    [InlineData(UnaryPath, "0f")]                               // wire type 7 (does not exist)
    [InlineData("/grpc.testing.TestService/FullDuplexCall", "ffffffffffff")]
    [InlineData("/grpc.testing.TestService/StreamingInputCall", "0a6401")]
    [InlineData("/grpc.health.v1.Health/Check", "0affffffff0f41")]   // service name longer than the message
    public async Task Post_GarbageProtobufVariants_InternalOrInvalidArgumentAtOnce(string path, string messageHex)
    {
        var message = Convert.FromHexString(messageHex);
        var body = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)message.Length);
        message.CopyTo(body, 5);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var (http, status, grpcMessage) = await PostAsync(path, body);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"answered after {stopwatch.Elapsed}");
        Assert.Equal(HttpStatusCode.OK, http);
        Assert.True(status == ((int)StatusCode.Internal).ToString() || status == ((int)StatusCode.InvalidArgument).ToString(),
            $"grpc-status {status} ({grpcMessage})");
        Assert.True((grpcMessage?.Length ?? 0) <= ShortMessage, grpcMessage);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task HealthCheck_MultiMebibyteServiceName_NotFoundAtOnceWithShortMessage()
    {
        var name = new string('x', 3 * 1024 * 1024);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        using var call = new Health.HealthClient(server.Channel).CheckAsync(new HealthCheckRequest { Service = name }, deadline: DateTime.UtcNow + Timeout);
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(Timeout));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"answered after {stopwatch.Elapsed}");
        Assert.True(ex.Status.Detail.Length <= ShortMessage, $"message of {ex.Status.Detail.Length} chars");
        Assert.DoesNotContain("xxxxxxxxxxxxxxxx", ex.Status.Detail, StringComparison.Ordinal);
        Assert.All(call.GetTrailers(), e => Assert.True(e.IsBinary ? e.ValueBytes.Length <= ShortMessage : e.Value.Length <= ShortMessage, e.Key));
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task HealthCheck_ServiceNameOverMessageLimit_ResourceExhaustedAtOnceWithShortMessage()
    {
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { MaxSendMessageSize = null });
        var name = new string('x', 6 * 1024 * 1024);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<RpcException>(() => new Health.HealthClient(channel)
            .CheckAsync(new HealthCheckRequest { Service = name }, deadline: DateTime.UtcNow + Timeout).ResponseAsync.WaitAsync(Timeout));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"answered after {stopwatch.Elapsed}");
        Assert.True(ex.Status.Detail.Length <= ShortMessage, $"message of {ex.Status.Detail.Length} chars");
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Metadata_LargeButAllowedHeaderValue_Served()
    {
        var headers = new Metadata { { "x-test-large", new string('a', 8 * 1024) } };
        var response = await new TestService.TestServiceClient(server.Channel)
            .UnaryCallAsync(new SimpleRequest { ResponseSize = 5 }, headers, DateTime.UtcNow + Timeout).ResponseAsync.WaitAsync(Timeout);
        Assert.Equal(5, response.Payload.Body.Length);
        await AssertServerHealthyAsync();
    }

    [Theory]
    [InlineData(1, 64 * 1024, 0x9u)]       // one value over Kestrel's 16 KiB per-field limit: GOAWAY COMPRESSION_ERROR
    [InlineData(1, 2 * 1024 * 1024, 0x9u)] // a multi-MiB value: the same
    [InlineData(6, 12 * 1024, 0x1u)]       // each field allowed, together over the 32 KiB total: GOAWAY PROTOCOL_ERROR
    public async Task RawHttp2_OversizedHeaderValues_ConnectionRefusedAtOnceAndServerHealthy(int count, int size, uint goAwayError)
    {
        // HttpClient would refuse to send these itself once it has the server's SETTINGS, so they go out raw.
        var headers = Enumerable.Range(0, count).Select(i => ($"x-test-big-{i}", new string('b', size))).ToArray();
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await RawHttp2.SendAsync(server.Port, UnaryPath, headers, [0, 0, 0, 0, 0], Timeout);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"refused after {stopwatch.Elapsed}");
        Assert.False(outcome.GotHeaders, "the request was served: " + outcome);
        Assert.Equal(goAwayError, outcome.GoAwayError);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task RawHttp2_AllowedHeaders_Served()
    {
        // The control for the case above: the same raw client and a normal request get response headers.
        var outcome = await RawHttp2.SendAsync(server.Port, UnaryPath, [("x-test-small", "b")], [0, 0, 0, 0, 0], Timeout);
        Assert.True(outcome.GotHeaders, outcome.ToString());
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task GrpcClient_OversizedHeaderValue_FailsAtOnceAndServerHealthy()
    {
        var headers = new Metadata { { "x-test-big", new string('b', 64 * 1024) } };
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<RpcException>(() => new TestService.TestServiceClient(server.Channel)
            .EmptyCallAsync(new Empty(), headers, DateTime.UtcNow + Timeout).ResponseAsync.WaitAsync(Timeout));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"failed after {stopwatch.Elapsed}");
        Assert.True(ex.StatusCode is StatusCode.Internal or StatusCode.Unavailable, ex.ToString());
        await AssertServerHealthyAsync();
    }
}
