using Biometrics.Testing;
using Biometrics.Vision.Imaging;

namespace Biometrics.Vision.Tests.Imaging;

public sealed class ImageDecodeTests
{
    [Theory]
    [InlineData("img1.jpg")]
    [InlineData("couple.jpg")]
    [InlineData("img11_reflection.jpg")]
    public void Load_SharedJpeg_GivesBgrImageOfHeaderSize(string file)
    {
        var path = SharedFiles.Face("deepface", file);
        var bytes = File.ReadAllBytes(path);
        var (width, height) = Image.ReadSize(bytes);

        using var image = Image.Load(path);

        Assert.Equal(3, image.Channels);
        Assert.Equal(image.Width * 3, image.Stride);
        Assert.Equal(image.Stride * image.Height, image.Pixels.Length);
        // Without an EXIF rotation the decoded size is the header size; with one it is transposed.
        Assert.True((image.Width, image.Height) == (width, height) || (image.Width, image.Height) == (height, width));
        Assert.InRange(image.MeanBrightness(), 10, 245);
    }

    [Fact]
    public void Decode_AllSharedDeepfaceImages_Succeeds()
    {
        foreach (var path in Directory.GetFiles(SharedFiles.Face("deepface"), "*.jpg"))
        {
            using var image = Image.Load(path);
            Assert.True(image.Width > 0 && image.Height > 0, path);
        }
    }

    [Fact]
    public void Load_WebpWithJpgExtension_IsDecodedBySignature()
    {
        // img47.jpg in the shared set is really a WebP file (RIFF/WEBP/VP8); the header size is 1350x1800.
        var bytes = File.ReadAllBytes(SharedFiles.Face("deepface", "img47.jpg"));
        Assert.Equal((1350, 1800), Image.ReadSize(bytes));

        using var image = Image.Decode(bytes);

        Assert.Equal((1350, 1800, 3), (image.Width, image.Height, image.Channels));
    }

    [Theory]
    [InlineData((ushort)1, 40, 20)]
    [InlineData((ushort)3, 40, 20)]
    [InlineData((ushort)6, 20, 40)]
    [InlineData((ushort)8, 20, 40)]
    public void Decode_JpegWithExifOrientation_IsTurnedUpright(ushort orientation, int width, int height)
    {
        using var source = Image.Create(40, 20);
        source.DrawRectangle(0, 0, 10, 10, BgrColor.White, thickness: -1); // marks the top-left corner
        var jpeg = TestImages.WithExifOrientation(source.EncodeJpeg(95), orientation);

        using var decoded = Image.Decode(jpeg);

        Assert.Equal((width, height), (decoded.Width, decoded.Height));
        // Where the white top-left marker ends up: 1 keeps it, 3 (180 degrees) moves it bottom-right,
        // 6 (rotate 90 clockwise) top-right, 8 (rotate 90 anticlockwise) bottom-left.
        var (x, y) = orientation switch
        {
            1 => (4, 4),
            3 => (width - 5, height - 5),
            6 => (width - 5, 4),
            _ => (4, height - 5),
        };
        Assert.True(TestImages.Bgr(decoded, x, y).B > 200, $"marker not at ({x},{y}) for orientation {orientation}");
    }

    [Fact]
    public void EncodeJpeg_ThenDecode_RoundTripsSizeAndPixels()
    {
        using var original = TestImages.Gradient(96, 64);

        var jpeg = original.EncodeJpeg(95);
        using var decoded = Image.Decode(jpeg);

        Assert.Equal(0xFF, jpeg[0]);
        Assert.Equal(0xD8, jpeg[1]);
        Assert.Equal((96, 64, 3), (decoded.Width, decoded.Height, decoded.Channels));
        var a = original.Pixels;
        var b = decoded.Pixels;
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        Assert.True(sum / a.Length < 4, $"mean absolute error {sum / a.Length}");
    }

    [Fact]
    public void Decode_Png1x1_GivesOnePixel()
    {
        using var image = Image.Decode(TestImages.Png(1, 1, r: 10, g: 20, b: 30));

        Assert.Equal((1, 1, 3), (image.Width, image.Height, image.Channels));
        Assert.Equal((30, 20, 10), TestImages.Bgr(image, 0, 0));
        // Operations on a 1x1 image stay well defined.
        Assert.Equal(0, image.LaplacianVariance());
        using var big = image.Resize(8, 8);
        using var warped = image.WarpAffine([1, 0, 0, 0, 1, 0], 4, 4);
        using var cropped = image.Crop(-5, -5, 100, 100);
        Assert.Equal((1, 1), (cropped.Width, cropped.Height));
    }

    [Fact]
    public void Decode_PngHeaderClaiming20000x20000_ThrowsTooLargeBeforeDecoding()
    {
        var png = TestImages.PngWithIdat(20_000, 20_000, [1, 2, 3, 4]);

        var e = Assert.Throws<ImageDecodeException>(() => Image.Decode(png));

        Assert.Equal(ImageDecodeError.TooLarge, e.Reason);
        Assert.Contains("20000x20000", e.Message, StringComparison.Ordinal);
        Assert.Contains("100.0 megapixels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_BmpHeaderClaimingHugeSize_ThrowsTooLarge()
    {
        var e = Assert.Throws<ImageDecodeException>(() => Image.Decode(TestImages.BmpHeader(30_000, -30_000)));
        Assert.Equal(ImageDecodeError.TooLarge, e.Reason);
    }

    [Fact]
    public void Decode_JpegFrameHeaderClaimingHugeSize_ThrowsTooLarge()
    {
        using var small = Image.Create(16, 16);
        var jpeg = small.EncodeJpeg();
        // Patch the SOF0 frame header's height and width to 60000.
        var sof = jpeg.AsSpan().IndexOf(new byte[] { 0xFF, 0xC0 });
        Assert.True(sof > 0);
        jpeg[sof + 5] = jpeg[sof + 7] = 0xEA;
        jpeg[sof + 6] = jpeg[sof + 8] = 0x60;

        var e = Assert.Throws<ImageDecodeException>(() => Image.Decode(jpeg));
        Assert.Equal(ImageDecodeError.TooLarge, e.Reason);
        Assert.Contains("60000x60000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ExplicitLimit_AppliesToPixelCount()
    {
        var png = TestImages.Png(20, 10, 0, 0, 0);
        Assert.Throws<ImageDecodeException>(() => Image.Decode(png, maxPixels: 199));
        using var ok = Image.Decode(png, maxPixels: 200);
        Assert.Equal(20, ok.Width);
    }

    [Fact]
    public void Decode_Text_ThrowsUnsupportedFormat()
    {
        var e = Assert.Throws<ImageDecodeException>(() => Image.Decode("this is not an image"u8));
        Assert.Equal(ImageDecodeError.UnsupportedFormat, e.Reason);
        Assert.Contains("not a JPEG, PNG, BMP or WebP", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_Empty_ThrowsUnsupportedFormat()
    {
        var e = Assert.Throws<ImageDecodeException>(() => Image.Decode(ReadOnlySpan<byte>.Empty));
        Assert.Equal(ImageDecodeError.UnsupportedFormat, e.Reason);
    }

    [Fact]
    public void Decode_TruncatedJpeg_ThrowsCorrupt()
    {
        var jpeg = File.ReadAllBytes(SharedFiles.Face("deepface", "img1.jpg"));

        var e = Assert.Throws<ImageDecodeException>(() => Image.Decode(jpeg.AsSpan(0, 40)));

        Assert.Equal(ImageDecodeError.Corrupt, e.Reason);
    }

    [Fact]
    public void Decode_JpegWithGarbageAfterHeader_ThrowsOrDecodesWithoutCrashing()
    {
        var jpeg = File.ReadAllBytes(SharedFiles.Face("deepface", "img1.jpg"));
        var random = new Random(7);
        var sos = jpeg.AsSpan().IndexOf(new byte[] { 0xFF, 0xDA });
        Assert.True(sos > 0);
        // Scramble everything after the scan header: libjpeg either reports an error or returns a damaged image.
        random.NextBytes(jpeg.AsSpan(sos + 20));

        try
        {
            using var image = Image.Decode(jpeg);
            Assert.True(image.Width > 0);
        }
        catch (ImageDecodeException e)
        {
            Assert.Equal(ImageDecodeError.Corrupt, e.Reason);
        }
    }

    [Fact]
    public void Decode_RandomBytesWithPngSignature_ThrowsCorrupt()
    {
        var bytes = new byte[200];
        new Random(3).NextBytes(bytes);
        new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(bytes, 0);

        var e = Assert.Throws<ImageDecodeException>(() => Image.Decode(bytes));

        Assert.Equal(ImageDecodeError.Corrupt, e.Reason);
    }

    [Fact]
    public void Decode_PngHeaderWithGarbageData_ThrowsCorruptNamingFormatAndSize()
    {
        // A sound header passes the size guard; OpenCV then answers the garbage pixel data with an empty matrix.
        var png = TestImages.PngWithIdat(4, 4, [1, 2, 3, 4]);

        var e = Assert.Throws<ImageDecodeException>(() => Image.Decode(png));

        Assert.Equal(ImageDecodeError.Corrupt, e.Reason);
        Assert.Equal("corrupt or truncated PNG: the 4x4 image could not be decoded", e.Message);
    }

    [Fact]
    public void Load_NonImageFile_NamesTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-an-image-{Guid.NewGuid():N}.jpg");
        File.WriteAllText(path, "hello");
        try
        {
            var e = Assert.Throws<ImageDecodeException>(() => Image.Load(path));
            Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromPixels_TooFewBytes_ThrowsArgumentException()
    {
        var e = Assert.Throws<ArgumentException>(() => Image.FromPixels(new byte[10], 4, 4, 3));
        Assert.Contains("needs 48", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pixels_AfterDispose_ThrowsObjectDisposed()
    {
        var image = Image.Create(2, 2);
        image.Dispose();
        image.Dispose();
        Assert.Throws<ObjectDisposedException>(() => image.Pixels.Length);
        Assert.Throws<ObjectDisposedException>(() => image.Resize(1, 1));
    }
}
