using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Biometrics.Grpc.IntegrationTests.Fixtures;
using Biometrics.Grpc.Interop;
using Google.Protobuf;

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
        var client = new ServiceClient(server.Channel, TestReflection.Descriptor.Services.Single(s => s.Name == "TestService"));
        var response = await client.UnaryAsync<SimpleRequest, SimpleResponse>("UnaryCall", new SimpleRequest { ResponseSize = 3 }).WaitAsync(Timeout);
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
    public async Task Post_InvalidCompressedFlag_Internal()
    {
        var (_, status, _) = await PostAsync(UnaryPath, [7, 0, 0, 0, 0]);
        Assert.Equal(((int)StatusCode.Internal).ToString(), status);
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
    }
}
