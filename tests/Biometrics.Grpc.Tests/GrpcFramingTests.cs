using System.Buffers;
using Biometrics.Grpc.Internal;
using Grpc.Health.V1;

namespace Biometrics.Grpc.Tests;

public sealed class GrpcFramingTests
{
    private static readonly Marshaller<HealthCheckRequest> Marshaller = Marshallers.Create<HealthCheckRequest>();

    [Fact]
    public void WriteMessage_ThenTryReadFrame_RoundTrips()
    {
        var writer = new ArrayBufferWriter<byte>();
        GrpcFraming.WriteMessage(writer, Marshaller, new HealthCheckRequest { Service = "a.B" }, 1024);
        var buffer = new ReadOnlySequence<byte>(writer.WrittenMemory);
        Assert.True(GrpcFraming.TryReadFrame(ref buffer, 1024, out var compressed, out var payload));
        Assert.False(compressed);
        Assert.True(buffer.IsEmpty);
        Assert.Equal("a.B", GrpcFraming.ParseMessage(Marshaller, payload, compressed, null, 1024).Service);
    }

    [Fact]
    public void TryReadFrame_FrameSplitAcrossSegments_Reads()
    {
        var frame = GrpcFraming.ToFrame(Marshaller, new HealthCheckRequest { Service = "segmented" }, 1024);
        var buffer = Segments.Create(frame, 2);
        Assert.True(GrpcFraming.TryReadFrame(ref buffer, 1024, out var compressed, out var payload));
        Assert.Equal("segmented", GrpcFraming.ParseMessage(Marshaller, payload, compressed, null, 1024).Service);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(7)]
    public void TryReadFrame_Truncated_NeedsMore(int length)
    {
        var frame = GrpcFraming.ToFrame(Marshaller, new HealthCheckRequest { Service = "truncated" }, 1024);
        var buffer = new ReadOnlySequence<byte>(frame, 0, length);
        Assert.False(GrpcFraming.TryReadFrame(ref buffer, 1024, out _, out _));
        Assert.Equal(length, buffer.Length);
    }

    [Fact]
    public void TryReadFrame_LengthOverLimit_ResourceExhausted()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0, 0, 0, 4, 1 });
        var ex = Assert.Throws<RpcException>(() => GrpcFraming.TryReadFrame(ref buffer, 1024, out _, out _));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public void TryReadFrame_BadFlag_Internal()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 2, 0, 0, 0, 0 });
        Assert.Equal(StatusCode.Internal, Assert.Throws<RpcException>(() => GrpcFraming.TryReadFrame(ref buffer, 1024, out _, out _)).StatusCode);
    }

    [Fact]
    public void ParseMessage_Garbage_Internal()
    {
        var payload = new ReadOnlySequence<byte>(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF });
        Assert.Equal(StatusCode.Internal, Assert.Throws<RpcException>(() => GrpcFraming.ParseMessage(Marshaller, payload, false, null, 1024)).StatusCode);
    }

    [Fact]
    public void ParseMessage_GzipPayload_Decompressed()
    {
        var raw = new HealthCheckRequest { Service = "zipped" }.ToByteArrayForTest();
        using var ms = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) gz.Write(raw);
        var message = GrpcFraming.ParseMessage(Marshaller, new ReadOnlySequence<byte>(ms.ToArray()), true, "gzip", 1024);
        Assert.Equal("zipped", message.Service);
    }

    [Fact]
    public void ParseMessage_CompressedWithoutEncoding_Internal()
    {
        var ex = Assert.Throws<RpcException>(() => GrpcFraming.ParseMessage(Marshaller, new ReadOnlySequence<byte>(new byte[] { 1 }), true, null, 1024));
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public void WriteMessage_OverSendLimit_ResourceExhausted()
    {
        var writer = new ArrayBufferWriter<byte>();
        var ex = Assert.Throws<RpcException>(() => GrpcFraming.WriteMessage(writer, Marshaller, new HealthCheckRequest { Service = new string('x', 100) }, 10));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal(0, writer.WrittenCount);
    }
}
