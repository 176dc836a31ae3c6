using System.Text;
using Biometrics.Redis.Protocol;

namespace Biometrics.Redis.Tests;

public sealed class RespWriterTests
{
    [Fact]
    public void WriteCommand_MixedArguments_WritesArrayOfBulkStrings()
    {
        using var buffer = new PooledBufferWriter(4);
        RespWriter.WriteCommand(buffer, ["SET", "kéy", new byte[] { 0, 13, 10 }, 42L, -1.5, default(RedisValue)]);
        var expected = "*6\r\n$3\r\nSET\r\n$4\r\nkéy\r\n$3\r\n\0\r\n\r\n$2\r\n42\r\n$4\r\n-1.5\r\n$0\r\n\r\n";
        Assert.Equal(Encoding.UTF8.GetBytes(expected), buffer.WrittenMemory.ToArray());
    }

    [Fact]
    public void WriteCommand_Infinity_UsesRedisSpelling()
    {
        using var buffer = new PooledBufferWriter();
        RespWriter.WriteCommand(buffer, ["ZADD", double.PositiveInfinity, double.NegativeInfinity]);
        Assert.Equal("*3\r\n$4\r\nZADD\r\n$3\r\ninf\r\n$4\r\n-inf\r\n", Encoding.UTF8.GetString(buffer.WrittenMemory.Span));
    }

    [Fact]
    public void WriteCommand_LargeValue_GrowsBuffer()
    {
        using var buffer = new PooledBufferWriter(16);
        var value = new byte[100_000];
        RespWriter.WriteCommand(buffer, ["SET", "k", value]);
        Assert.Equal(4 + 9 + 7 + 9 + 100_000 + 2, buffer.WrittenCount);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(9L)]
    [InlineData(10L)]
    [InlineData(-10L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void CountDigits_MatchesFormatting(long value)
        => Assert.Equal(value.ToString(System.Globalization.CultureInfo.InvariantCulture).Length, RedisValue.CountDigits(value));
}
