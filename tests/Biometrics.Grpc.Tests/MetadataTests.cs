using Biometrics.Grpc.Internal;

namespace Biometrics.Grpc.Tests;

public sealed class MetadataTests
{
    [Fact]
    public void Add_MixedCaseKey_StoredLowerCase()
    {
        var m = new Metadata { { "X-Gate-Id", "g7" } };
        Assert.Equal("x-gate-id", m[0].Key);
        Assert.Equal("g7", m.GetValue("x-gate-id"));
    }

    [Fact]
    public void Add_BinaryKey_KeepsBytes()
    {
        byte[] value = [0, 1, 254, 255];
        var m = new Metadata { { "trace-bin", value } };
        Assert.True(m[0].IsBinary);
        Assert.Equal(value, m.GetValueBytes("trace-bin"));
    }

    [Fact]
    public void Add_StringValueForBinaryKey_Throws() => Assert.Throws<ArgumentException>(() => new Metadata { { "trace-bin", "text" } });

    [Fact]
    public void Add_BytesForAsciiKey_Throws() => Assert.Throws<ArgumentException>(() => new Metadata { { "trace", new byte[] { 1 } } });

    [Theory]
    [InlineData("bad key")]
    [InlineData("grpc-status")]
    [InlineData("k\u00e9y")]
    public void Add_InvalidKey_Throws(string key) => Assert.Throws<ArgumentException>(() => new Metadata { { key, "v" } });

    [Fact]
    public void Add_NonPrintableValue_Throws() => Assert.Throws<ArgumentException>(() => new Metadata { { "k", "line\nbreak" } });

    [Fact]
    public void Empty_Add_Throws() => Assert.Throws<InvalidOperationException>(() => Metadata.Empty.Add("k", "v"));

    [Theory]
    [InlineData("AAEC/w")]
    [InlineData("AAEC/w==")]
    public void DecodeBase64_PaddedOrNot_Decodes(string text) => Assert.Equal(new byte[] { 0, 1, 2, 255 }, MetadataHeaders.DecodeBase64(text));

    [Fact]
    public void EncodeBase64_Always_Unpadded() => Assert.Equal("AAEC/w", MetadataHeaders.EncodeBase64([0, 1, 2, 255]));
}
