using Biometrics.Vision.Imaging;

namespace Biometrics.Vision.Tests.Face;

[Collection(FaceCollection.Name)]
public sealed class HugeImageTests(FacePipelineFixture fixture)
{
    [Fact]
    public void Process_PngClaiming400Megapixels_ThrowsClearDecodeErrorWithoutAllocating()
    {
        var png = PngHeader(20_000, 20_000);
        var ex = Assert.Throws<ImageDecodeException>(() => fixture.Pipeline.Process(png).Dispose());
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    /// <summary>PNG signature, an IHDR chunk (8-bit RGB) with a valid CRC, and a tiny IDAT/IEND.</summary>
    private static byte[] PngHeader(int width, int height)
    {
        var bytes = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
        byte[] ihdr = [.. BigEndian(width), .. BigEndian(height), 8, 2, 0, 0, 0];
        AddChunk(bytes, "IHDR", ihdr);
        AddChunk(bytes, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        AddChunk(bytes, "IEND", []);
        return bytes.ToArray();
    }

    private static void AddChunk(List<byte> bytes, string type, byte[] data)
    {
        bytes.AddRange(BigEndian(data.Length));
        byte[] typed = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        bytes.AddRange(typed);
        bytes.AddRange(BigEndian((int)Crc32(typed)));
    }

    private static byte[] BigEndian(int v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
