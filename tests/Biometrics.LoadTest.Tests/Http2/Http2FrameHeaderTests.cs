using System.Diagnostics;
using System.Text;
using Biometrics.LoadTest.Http2;

namespace Biometrics.LoadTest.Tests.Http2;

public sealed class Http2FrameHeaderTests
{
    [Fact]
    public void Read_HeadersFrameBytes_ParsesLengthTypeFlagsAndStream()
    {
        var bytes = Convert.FromHexString("00400c010500000003");

        var header = Http2FrameHeader.Read(bytes);

        Assert.Equal(new Http2FrameHeader(0x400c, Http2FrameType.Headers, 0x05, 3), header);
        Assert.True(header.Has(Http2Flags.EndStream));
        Assert.True(header.Has(Http2Flags.EndHeaders));
        Assert.False(header.Has(Http2Flags.Padded));
    }

    [Fact]
    public void Read_ReservedBitSet_IgnoresIt()
    {
        var header = Http2FrameHeader.Read(Convert.FromHexString("000004080080000001"));

        Assert.Equal(1, header.StreamId);
        Assert.Equal(Http2FrameType.WindowUpdate, header.Type);
    }

    [Fact]
    public void Write_ThenRead_RoundTripsTheLargestValues()
    {
        var buffer = new byte[Http2FrameHeader.Size];

        Http2FrameHeader.Write(buffer, 0xFFFFFF, Http2FrameType.Data, Http2Flags.EndStream | Http2Flags.Padded, int.MaxValue);

        Assert.Equal("FFFFFF0009" + "7FFFFFFF", Convert.ToHexString(buffer));
        Assert.Equal(new Http2FrameHeader(0xFFFFFF, Http2FrameType.Data, 0x09, int.MaxValue), Http2FrameHeader.Read(buffer));
    }

    [Theory]
    [InlineData(0.25, "250000u")]
    [InlineData(0.0000001, "1u")]
    [InlineData(200.0, "200000m")]
    [InlineData(100_000.0, "100000S")]
    public void GrpcTimeoutFormatValue_Durations_FinestUnitWithAtMostEightDigits(double seconds, string expected)
    {
        var buffer = new byte[16];

        var n = GrpcTimeout.FormatValue(buffer, (long)(seconds * Stopwatch.Frequency));

        Assert.Equal(expected, Encoding.ASCII.GetString(buffer, 0, n));
    }

    [Fact]
    public void GrpcMessageTextDecode_PercentEncodedUtf8_DecodesIt()
    {
        Assert.Equal("bad: ünïcode 100%", GrpcMessageText.Decode(Encoding.ASCII.GetBytes("bad: %C3%BCn%C3%AFcode 100%")));
    }
}
