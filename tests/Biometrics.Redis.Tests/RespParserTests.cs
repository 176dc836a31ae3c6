using System.Buffers;
using System.Text;
using Biometrics.Redis.Protocol;

namespace Biometrics.Redis.Tests;

public sealed class RespParserTests
{
    private static RespReply Parse(string wire) => Parse(Encoding.UTF8.GetBytes(wire));

    private static RespReply Parse(byte[] wire)
    {
        var sequence = new ReadOnlySequence<byte>(wire);
        var probe = new SequenceReader<byte>(sequence);
        Assert.True(RespParser.TrySkip(ref probe));
        Assert.Equal(wire.Length, probe.Consumed);
        var reader = new SequenceReader<byte>(sequence);
        var reply = RespParser.ParseReply(ref reader);
        Assert.Equal(wire.Length, reader.Consumed);
        return reply;
    }

    [Theory]
    [InlineData("+OK\r\n", "OK")]
    [InlineData("$5\r\nhello\r\n", "hello")]
    [InlineData("$0\r\n\r\n", "")]
    public void ParseReply_Strings_ReturnLease(string wire, string expected)
    {
        var reply = Parse(wire);
        using var lease = reply.Lease!;
        Assert.Equal(expected, lease.ToString());
    }

    [Theory]
    [InlineData("$-1\r\n")]
    [InlineData("*-1\r\n")]
    [InlineData("_\r\n")]
    public void ParseReply_NullForms_ReturnNull(string wire) => Assert.Equal(RespReplyKind.Null, Parse(wire).Kind);

    [Theory]
    [InlineData(":0\r\n", 0L)]
    [InlineData(":-42\r\n", -42L)]
    [InlineData(":9223372036854775807\r\n", long.MaxValue)]
    public void ParseReply_Integer_ReturnsValue(string wire, long expected) => Assert.Equal(expected, Parse(wire).Integer);

    [Fact]
    public void ParseReply_SimpleAndBlobError_ReturnMessage()
    {
        Assert.Equal("ERR unknown command", Parse("-ERR unknown command\r\n").Error);
        Assert.Equal("SYNTAX invalid syntax", Parse("!21\r\nSYNTAX invalid syntax\r\n").Error);
    }

    [Fact]
    public void ParseReply_Resp3Scalars_Materialise()
    {
        Assert.Equal(1.5, Parse(",1.5\r\n").Result!.AsDouble());
        Assert.Equal(double.PositiveInfinity, Parse(",inf\r\n").Result!.AsDouble());
        Assert.Equal(double.NegativeInfinity, Parse(",-inf\r\n").Result!.AsDouble());
        Assert.True(Parse("#t\r\n").Result!.AsBoolean());
        Assert.False(Parse("#f\r\n").Result!.AsBoolean());
        Assert.Equal("3492890328409238509324850943850943825024385", Parse("(3492890328409238509324850943850943825024385\r\n").Result!.AsString());
        var verbatim = Parse("=15\r\ntxt:Some string\r\n").Result!;
        Assert.Equal(RedisResultType.VerbatimString, verbatim.Type);
        Assert.Equal("Some string", verbatim.AsString());
    }

    [Fact]
    public void ParseReply_NestedAggregates_KeepShape()
    {
        var r = Parse("*3\r\n:1\r\n*2\r\n$1\r\na\r\n_\r\n%1\r\n+k\r\n~2\r\n:1\r\n:2\r\n").Result!;
        Assert.Equal(RedisResultType.Array, r.Type);
        Assert.Equal(1, r.Elements[0].AsInt64());
        Assert.Equal("a", r.Elements[1].Elements[0].AsString());
        Assert.True(r.Elements[1].Elements[1].IsNull);
        Assert.Equal(RedisResultType.Map, r.Elements[2].Type);
        Assert.Equal("k", r.Elements[2].Elements[0].AsString());
        Assert.Equal(RedisResultType.Set, r.Elements[2].Elements[1].Type);
        Assert.Equal(2, r.Elements[2].Elements[1].Elements[1].AsInt64());
    }

    [Fact]
    public void ParseReply_AttributeBeforeReply_IsSkipped()
    {
        var reply = Parse("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*2\r\n:2039123\r\n:9543892\r\n");
        Assert.Equal(2039123, reply.Result!.Elements[0].AsInt64());
    }

    [Fact]
    public void ParseReply_Push_IsMarkedOutOfBand()
    {
        var reply = Parse(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
        Assert.Equal(RespReplyKind.Push, reply.Kind);
        Assert.Equal("hi", reply.Result!.Elements[2].AsString());
    }

    [Fact]
    public void TrySkip_EveryPrefixOfAReply_NeedsMoreData()
    {
        var wire = Encoding.UTF8.GetBytes("*2\r\n$5\r\nhello\r\n%1\r\n+a\r\n,2.5\r\n");
        for (var cut = 0; cut < wire.Length; cut++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(wire, 0, cut));
            Assert.False(RespParser.TrySkip(ref reader), $"cut at {cut}");
        }
    }

    [Fact]
    public void ParseReply_SplitAcrossSegments_SameResult()
    {
        var wire = Encoding.UTF8.GetBytes("*2\r\n$11\r\nhello world\r\n:12345\r\n");
        for (var split = 1; split < wire.Length; split++)
        {
            var sequence = Segments(wire, split);
            var probe = new SequenceReader<byte>(sequence);
            Assert.True(RespParser.TrySkip(ref probe));
            var reader = new SequenceReader<byte>(sequence);
            var r = RespParser.ParseReply(ref reader).Result!;
            Assert.Equal("hello world", r.Elements[0].AsString());
            Assert.Equal(12345, r.Elements[1].AsInt64());
        }
    }

    [Fact]
    public void ParseReply_BulkSplitAcrossSegments_LeaseHasAllBytes()
    {
        var payload = new string('z', 5000);
        var wire = Encoding.UTF8.GetBytes($"$5000\r\n{payload}\r\n");
        var sequence = Segments(wire, 1000);
        var reader = new SequenceReader<byte>(sequence);
        using var lease = RespParser.ParseReply(ref reader).Lease!;
        Assert.Equal(payload, lease.ToString());
    }

    [Theory]
    [InlineData("?1\r\n")]
    [InlineData(":12x\r\n")]
    [InlineData("$3\r\nabcXY")]
    [InlineData("$?\r\n;4\r\nHell\r\n;0\r\n")]
    [InlineData("#x\r\n")]
    public void Parse_Malformed_ThrowsProtocolException(string wire)
    {
        var bytes = Encoding.UTF8.GetBytes(wire);
        Assert.Throws<RedisProtocolException>(() =>
        {
            var sequence = new ReadOnlySequence<byte>(bytes);
            var probe = new SequenceReader<byte>(sequence);
            if (RespParser.TrySkip(ref probe))
            {
                var reader = new SequenceReader<byte>(sequence);
                RespParser.ParseReply(ref reader);
            }
        });
    }

    private static ReadOnlySequence<byte> Segments(byte[] data, int size)
    {
        Segment? first = null, last = null;
        for (var i = 0; i < data.Length; i += size)
        {
            var chunk = data.AsMemory(i, Math.Min(size, data.Length - i));
            if (first is null) first = last = new Segment(chunk, 0);
            else last = last!.Append(chunk);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
