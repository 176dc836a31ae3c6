using System.Buffers;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Biometrics.Grpc;
using Biometrics.Grpc.Internal;
using Google.Protobuf;
using Grpc.Health.V1;

namespace Biometrics.Benchmarks.Grpc;

/// <summary>One small message framed and parsed back, as the server does per unary call: our pooled, copy-free path
/// (IBufferWriter + ReadOnlySequence) against the naive path (ToByteArray, copy into a new frame, parse from an array).</summary>
[MemoryDiagnoser]
public class GrpcFramingBenchmarks
{
    private static readonly Marshaller<HealthCheckRequest> Marshaller = Marshallers.Create<HealthCheckRequest>();
    private readonly HealthCheckRequest _message = new() { Service = "biometrics.v1.Matcher" };
    private readonly ArrayBufferWriter<byte> _writer = new(256);

    [Benchmark(Baseline = true)]
    public string Naive()
    {
        var body = _message.ToByteArray();
        var frame = new byte[5 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)body.Length);
        body.CopyTo(frame, 5);
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(1));
        var payload = new byte[length];
        Array.Copy(frame, 5, payload, 0, length);
        return HealthCheckRequest.Parser.ParseFrom(payload).Service;
    }

    [Benchmark]
    public string Layer()
    {
        _writer.ResetWrittenCount();
        GrpcFraming.WriteMessage(_writer, Marshaller, _message, 4 * 1024 * 1024);
        var buffer = new ReadOnlySequence<byte>(_writer.WrittenMemory);
        GrpcFraming.TryReadFrame(ref buffer, 4 * 1024 * 1024, out var compressed, out var payload);
        return GrpcFraming.ParseMessage(Marshaller, payload, compressed, null, 4 * 1024 * 1024).Service;
    }
}
