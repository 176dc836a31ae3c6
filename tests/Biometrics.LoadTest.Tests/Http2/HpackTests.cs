using System.Text;
using Biometrics.LoadTest.Http2;

namespace Biometrics.LoadTest.Tests.Http2;

/// <summary>The HPACK decoder against the examples of RFC 7541 Appendix C, and the Huffman code of Appendix B.</summary>
public sealed class HpackTests
{
    private static readonly (string, string)[] s_request1 = [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")];
    private static readonly (string, string)[] s_request2 = [.. s_request1, ("cache-control", "no-cache")];
    private static readonly (string, string)[] s_request3 = [(":method", "GET"), (":scheme", "https"), (":path", "/index.html"), (":authority", "www.example.com"), ("custom-key", "custom-value")];
    private static readonly (string, string)[] s_response1 = [(":status", "302"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com")];
    private static readonly (string, string)[] s_response2 = [(":status", "307"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com")];
    private static readonly (string, string)[] s_response3 =
    [
        (":status", "200"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:22 GMT"), ("location", "https://www.example.com"),
        ("content-encoding", "gzip"), ("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"),
    ];

    [Fact]
    public void Decode_RequestsWithoutHuffmanC3_HeadersAndDynamicTableAsInRfc()
    {
        var decoder = new HpackDecoder();

        Assert.Equal(s_request1, HeaderList.Decode(decoder, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d"));
        AssertTable(decoder, 57, (":authority", "www.example.com"));
        Assert.Equal(s_request2, HeaderList.Decode(decoder, "8286 84be 5808 6e6f 2d63 6163 6865"));
        AssertTable(decoder, 110, ("cache-control", "no-cache"), (":authority", "www.example.com"));
        Assert.Equal(s_request3, HeaderList.Decode(decoder, "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"));
        AssertTable(decoder, 164, ("custom-key", "custom-value"), ("cache-control", "no-cache"), (":authority", "www.example.com"));
    }

    [Fact]
    public void Decode_RequestsWithHuffmanC4_HeadersAndDynamicTableAsInRfc()
    {
        var decoder = new HpackDecoder();

        Assert.Equal(s_request1, HeaderList.Decode(decoder, "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff"));
        AssertTable(decoder, 57, (":authority", "www.example.com"));
        Assert.Equal(s_request2, HeaderList.Decode(decoder, "8286 84be 5886 a8eb 1064 9cbf"));
        AssertTable(decoder, 110, ("cache-control", "no-cache"), (":authority", "www.example.com"));
        Assert.Equal(s_request3, HeaderList.Decode(decoder, "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"));
        AssertTable(decoder, 164, ("custom-key", "custom-value"), ("cache-control", "no-cache"), (":authority", "www.example.com"));
    }

    [Fact]
    public void Decode_ResponsesWithoutHuffmanC5_EvictsOldestEntriesOfA256ByteTable()
    {
        var decoder = new HpackDecoder(256);

        Assert.Equal(s_response1, HeaderList.Decode(decoder,
            "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d"));
        AssertTable(decoder, 222, ("location", "https://www.example.com"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("cache-control", "private"), (":status", "302"));
        Assert.Equal(s_response2, HeaderList.Decode(decoder, "4803 3330 37c1 c0bf"));
        AssertTable(decoder, 222, (":status", "307"), ("location", "https://www.example.com"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("cache-control", "private"));
        Assert.Equal(s_response3, HeaderList.Decode(decoder,
            "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31"));
        AssertTable(decoder, 215, ("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"), ("content-encoding", "gzip"), ("date", "Mon, 21 Oct 2013 20:13:22 GMT"));
    }

    [Fact]
    public void Decode_ResponsesWithHuffmanC6_EvictsOldestEntriesOfA256ByteTable()
    {
        var decoder = new HpackDecoder(256);

        Assert.Equal(s_response1, HeaderList.Decode(decoder,
            "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3"));
        AssertTable(decoder, 222, ("location", "https://www.example.com"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("cache-control", "private"), (":status", "302"));
        Assert.Equal(s_response2, HeaderList.Decode(decoder, "4883 640e ffc1 c0bf"));
        AssertTable(decoder, 222, (":status", "307"), ("location", "https://www.example.com"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("cache-control", "private"));
        Assert.Equal(s_response3, HeaderList.Decode(decoder,
            "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07"));
        AssertTable(decoder, 215, ("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"), ("content-encoding", "gzip"), ("date", "Mon, 21 Oct 2013 20:13:22 GMT"));
    }

    [Fact]
    public void Decode_FieldRepresentationsC2_LiteralFormsAndIndexedStatic()
    {
        var decoder = new HpackDecoder();

        Assert.Equal([("custom-key", "custom-header")], HeaderList.Decode(decoder, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));
        Assert.Equal(55, decoder.Size);
        Assert.Equal([(":path", "/sample/path")], HeaderList.Decode(decoder, "040c 2f73 616d 706c 652f 7061 7468"));
        Assert.Equal([("password", "secret")], HeaderList.Decode(decoder, "1008 7061 7373 776f 7264 0673 6563 7265 74"));
        Assert.Equal([(":method", "GET")], HeaderList.Decode(decoder, "82"));
        Assert.Equal(1, decoder.Count);
    }

    [Fact]
    public void Decode_TableSizeUpdateToZeroThenIndexedStatic_EmptiesTheTable()
    {
        var decoder = new HpackDecoder();
        HeaderList.Decode(decoder, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d");

        var fields = HeaderList.Decode(decoder, "20 82");

        Assert.Equal([(":method", "GET")], fields);
        Assert.Equal(0, decoder.Count);
        Assert.Equal(0, decoder.Size);
        Assert.Equal(0, decoder.Capacity);
    }

    [Theory]
    [InlineData("3fe21f")] // size update to 4,097 > the advertised 4,096
    [InlineData("8220")] // size update after a field
    [InlineData("be")] // dynamic index 62 with an empty table
    [InlineData("80")] // index 0
    [InlineData("7fffffffffff")] // integer that does not end
    [InlineData("000a6869")] // string longer than the block
    [InlineData("0084ffffffff")] // Huffman string that is all EOS
    public void Decode_MalformedBlock_ThrowsHpackException(string hex)
    {
        var decoder = new HpackDecoder();

        Assert.Throws<HpackException>(() => HeaderList.Decode(decoder, hex));
    }

    [Fact]
    public void HuffmanCode_AllSymbols_FormACompletePrefixCode()
    {
        // Kraft's equality: a complete prefix code (RFC 7541 Appendix B) has sum(2^-len) == 1 over its 257 symbols.
        var sum = 0.0;
        for (var s = 0; s <= HpackHuffman.Eos; s++)
        {
            Assert.True(HpackHuffman.Codes[s] < (1u << HpackHuffman.Lengths[s]), $"code of symbol {s} longer than its length");
            sum += Math.Pow(2, -HpackHuffman.Lengths[s]);
        }

        Assert.Equal(1.0, sum, 12);
    }

    [Fact]
    public void Huffman_EveryByteValue_RoundTrips()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var text = Encoding.ASCII.GetBytes("application/grpc; grpc-status 0; www.example.com; Mon, 21 Oct 2013 20:13:21 GMT");
        foreach (var input in new[] { all, all.Reverse().ToArray(), text, [], [(byte)'a'], Enumerable.Repeat((byte)0xFF, 37).ToArray() })
        {
            var encoded = new byte[HpackHuffman.EncodedLength(input)];
            Assert.Equal(encoded.Length, HpackHuffman.Encode(input, encoded));
            var decoded = new byte[(encoded.Length * 8 / 5) + 1];

            var n = HpackHuffman.Decode(encoded, decoded);

            Assert.Equal(input, decoded.AsSpan(0, n).ToArray());
        }
    }

    [Fact]
    public void HuffmanEncode_WwwExampleCom_MatchesRfcC41()
    {
        var encoded = new byte[HpackHuffman.EncodedLength("www.example.com"u8)];

        HpackHuffman.Encode("www.example.com"u8, encoded);

        Assert.Equal(Convert.FromHexString("f1e3c2e5f23a6ba0ab90f4ff"), encoded);
    }

    [Theory]
    [InlineData("fe")] // an incomplete 10-bit code (!) is not padding
    [InlineData("00")] // '0' then padding 000 (padding must be ones)
    [InlineData("ffff")] // 16 bits of ones: padding longer than 7 bits
    public void HuffmanDecode_BadPadding_ReturnsMinusOne(string hex)
    {
        var input = Convert.FromHexString(hex);

        Assert.Equal(-1, HpackHuffman.Decode(input, new byte[16]));
    }

    [Theory]
    [InlineData(10, 5, "0a")]
    [InlineData(1337, 5, "1f9a0a")]
    [InlineData(42, 8, "2a")]
    public void WriteInteger_RfcC1Examples_EncodeAndDecodeAlike(int value, int prefix, string hex)
    {
        var buffer = new byte[8];

        var n = HpackWriter.WriteInteger(buffer, value, prefix, 0);
        var pos = 0;
        var back = HpackDecoder.ReadInteger(buffer.AsSpan(0, n), ref pos, prefix);

        Assert.Equal(hex, Convert.ToHexString(buffer, 0, n), ignoreCase: true);
        Assert.Equal(value, back);
        Assert.Equal(n, pos);
    }

    [Fact]
    public void GrpcMethodCreate_HeaderBlock_DecodesToTheGrpcRequestHeaders()
    {
        var method = GrpcMethod.Create("/grpc.health.v1.Health/Check", "127.0.0.1:50051", https: false, bearerToken: "t0k3n");

        var fields = HeaderList.Decode(new HpackDecoder(), Convert.ToHexString(method.HeaderBlock.Span));

        Assert.Equal(
            [(":method", "POST"), (":scheme", "http"), (":path", "/grpc.health.v1.Health/Check"), (":authority", "127.0.0.1:50051"),
             ("content-type", "application/grpc"), ("te", "trailers"), ("user-agent", "biometrics-load"), ("authorization", "Bearer t0k3n")],
            fields);
        Assert.Equal(0x83, method.HeaderBlock.Span[0]); // :method POST, static index 3
    }

    private static void AssertTable(HpackDecoder decoder, int size, params (string Name, string Value)[] entries)
    {
        Assert.Equal(size, decoder.Size);
        Assert.Equal(entries.Length, decoder.Count);
        for (var i = 0; i < entries.Length; i++)
        {
            var (name, value) = decoder.DynamicEntry(i + 1);
            Assert.Equal(entries[i], (Encoding.ASCII.GetString(name), Encoding.ASCII.GetString(value)));
        }
    }
}
