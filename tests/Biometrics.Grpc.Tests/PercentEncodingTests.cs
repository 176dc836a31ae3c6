using Biometrics.Grpc.Internal;

namespace Biometrics.Grpc.Tests;

public sealed class PercentEncodingTests
{
    [Fact]
    public void Encode_PrintableAscii_Unchanged() => Assert.Equal("test status message", PercentEncoding.Encode("test status message"));

    [Fact]
    public void Encode_PercentAndControl_Escaped() => Assert.Equal("100%25%0Adone", PercentEncoding.Encode("100%\ndone"));

    [Fact]
    public void EncodeDecode_UnicodeAndWhitespace_RoundTrips()
    {
        const string message = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n";
        var encoded = PercentEncoding.Encode(message);
        Assert.All(encoded, c => Assert.InRange(c, ' ', '~'));
        Assert.Equal(message, PercentEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("50%", "50%")]
    [InlineData("%zz", "%zz")]
    [InlineData("a%4", "a%4")]
    public void Decode_InvalidEscape_KeptAsIs(string input, string expected) => Assert.Equal(expected, PercentEncoding.Decode(input));
}
