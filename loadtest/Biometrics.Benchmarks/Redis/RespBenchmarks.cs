using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Biometrics.Redis;
using Biometrics.Redis.Protocol;

namespace Biometrics.Benchmarks.Redis;

/// <summary>RESP hot paths: parsing a 2 KiB GET reply into a pooled lease, and writing a GET command.</summary>
[MemoryDiagnoser]
public class RespBenchmarks
{
    private readonly byte[] _reply = Encoding.ASCII.GetBytes("$2048\r\n" + new string('v', 2048) + "\r\n");
    private readonly byte[] _arrayReply = Encoding.ASCII.GetBytes("*4\r\n$1\r\na\r\n:1\r\n$3\r\nabc\r\n_\r\n");
    private readonly PooledBufferWriter _writer = new();

    [Benchmark(Baseline = true)]
    public int ParseBulkIntoLease()
    {
        var sequence = new ReadOnlySequence<byte>(_reply);
        var probe = new SequenceReader<byte>(sequence);
        RespParser.TrySkip(ref probe);
        var reader = new SequenceReader<byte>(sequence);
        var reply = RespParser.ParseReply(ref reader);
        var n = reply.Lease!.Length;
        reply.Release();
        return n;
    }

    [Benchmark]
    public int ParseSmallArray()
    {
        var sequence = new ReadOnlySequence<byte>(_arrayReply);
        var probe = new SequenceReader<byte>(sequence);
        RespParser.TrySkip(ref probe);
        var reader = new SequenceReader<byte>(sequence);
        return RespParser.ParseReply(ref reader).Result!.Elements.Count;
    }

    [Benchmark]
    public int WriteGetCommand()
    {
        _writer.Reset();
        RespWriter.WriteCommand(_writer, [Cmd.Get, "key:__rand_int__"]);
        return _writer.WrittenCount;
    }
}
