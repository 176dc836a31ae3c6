using Biometrics.Grpc.Internal;

namespace Biometrics.Grpc.Tests;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("900n", 9L)]
    [InlineData("99999999S", 999_999_990_000_000L)]
    public void TryParse_ValidValue_ReturnsTicks(string value, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(value, out var timeout));
        Assert.Equal(ticks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("-1S")]
    [InlineData("123456789S")]
    [InlineData("1.5S")]
    public void TryParse_MalformedValue_ReturnsFalse(string value) => Assert.False(GrpcTimeout.TryParse(value, out _));

    [Theory]
    [InlineData(1)]
    [InlineData(1500)]
    [InlineData(86_400_000)]
    public void Format_Milliseconds_ParsesBackToAtLeastTheSameTimeout(int ms)
    {
        var text = GrpcTimeout.Format(TimeSpan.FromMilliseconds(ms));
        Assert.True(text.Length <= 9);
        Assert.True(GrpcTimeout.TryParse(text, out var back));
        Assert.True(back >= TimeSpan.FromMilliseconds(ms));
        Assert.True(back - TimeSpan.FromMilliseconds(ms) < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Format_HugeTimeout_ClampsToEightDigits()
    {
        var text = GrpcTimeout.Format(TimeSpan.MaxValue);
        Assert.True(GrpcTimeout.TryParse(text, out _));
        Assert.True(text.Length <= 9);
    }
}
