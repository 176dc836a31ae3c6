using Biometrics.Vision.Imaging;

namespace Biometrics.Vision.Tests.Imaging;

public sealed class ImageProcessingTests
{
    [Theory]
    [InlineData(Interpolation.Nearest)]
    [InlineData(Interpolation.Linear)]
    [InlineData(Interpolation.Cubic)]
    [InlineData(Interpolation.Area)]
    public void Resize_AnyInterpolation_GivesRequestedSize(Interpolation interp)
    {
        using var image = TestImages.Gradient(64, 48);
        using var resized = image.Resize(320, 240, interp);
        Assert.Equal((320, 240, 3), (resized.Width, resized.Height, resized.Channels));
    }

    [Fact]
    public void Resize_ZeroSize_ThrowsArgumentException()
    {
        using var image = TestImages.Gradient(8, 8);
        Assert.Throws<ArgumentException>(() => image.Resize(0, 10));
    }

    [Fact]
    public void ToGray_Bgr_GivesOneChannelLuma()
    {
        using var image = Image.FromPixels([255, 0, 0, 0, 0, 255], 2, 1, 3); // blue, red
        using var grey = image.ToGray();
        Assert.Equal(1, grey.Channels);
        Assert.Equal(29, grey.Pixels[0]); // 0.114 * 255
        Assert.Equal(76, grey.Pixels[1]); // 0.299 * 255
    }

    [Fact]
    public void ToRgb_Bgr_SwapsFirstAndThirdChannel()
    {
        using var image = Image.FromPixels([1, 2, 3], 1, 1, 3);
        using var rgb = image.ToRgb();
        Assert.Equal(new byte[] { 3, 2, 1 }, rgb.Pixels.ToArray());
    }

    [Fact]
    public void ToBgr_Grey_ReplicatesChannel()
    {
        using var image = Image.FromPixels([7], 1, 1, 1);
        using var bgr = image.ToBgr();
        Assert.Equal(new byte[] { 7, 7, 7 }, bgr.Pixels.ToArray());
    }

    [Fact]
    public void Crop_PartlyOutside_IsClampedCopy()
    {
        using var image = TestImages.Gradient(50, 40);
        using var crop = image.Crop(40, 30, 20, 20);
        Assert.Equal((10, 10), (crop.Width, crop.Height));
        Assert.Equal((40, 30, 70), TestImages.Bgr(crop, 0, 0));
        Assert.Equal(30, crop.Stride); // continuous copy, not a view of the parent's rows
    }

    [Fact]
    public void Crop_Outside_ThrowsArgumentException()
    {
        using var image = TestImages.Gradient(10, 10);
        var e = Assert.Throws<ArgumentException>(() => image.Crop(20, 20, 5, 5));
        Assert.Contains("does not overlap", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flip_MirrorsHorizontally()
    {
        using var image = TestImages.Gradient(10, 4);
        using var flipped = image.Flip();
        Assert.Equal(TestImages.Bgr(image, 9, 2), TestImages.Bgr(flipped, 0, 2));
        Assert.Equal(TestImages.Bgr(image, 0, 3), TestImages.Bgr(flipped, 9, 3));
    }

    [Fact]
    public void WarpAffine_Identity_KeepsPixels()
    {
        using var image = TestImages.Gradient(32, 32);
        using var warped = image.WarpAffine([1, 0, 0, 0, 1, 0], 32, 32);
        Assert.Equal(image.Pixels.ToArray(), warped.Pixels.ToArray());
    }

    [Fact]
    public void WarpAffine_Translation_ShiftsAndFillsWithBlack()
    {
        using var image = TestImages.Gradient(32, 32);
        using var warped = image.WarpAffine([1, 0, 5, 0, 1, 3], 32, 32);
        Assert.Equal(TestImages.Bgr(image, 10, 10), TestImages.Bgr(warped, 15, 13));
        Assert.Equal((0, 0, 0), TestImages.Bgr(warped, 2, 1));
    }

    [Fact]
    public void WarpAffine_HalfPixelShift_InterpolatesBilinearly()
    {
        using var image = Image.FromPixels([0, 100, 200, 0], 4, 1, 1);
        using var warped = image.WarpAffine([1, 0, -0.5, 0, 1, 0], 3, 1);
        Assert.Equal(new byte[] { 50, 150, 100 }, warped.Pixels.ToArray());
    }

    [Fact]
    public void WarpAffine_NotSixElements_ThrowsArgumentException()
    {
        using var image = TestImages.Gradient(4, 4);
        Assert.Throws<ArgumentException>(() => image.WarpAffine([1, 0, 0, 1], 4, 4));
        Assert.Throws<ArgumentException>(() => image.WarpAffine([double.NaN, 0, 0, 0, 1, 0], 4, 4));
    }

    [Fact]
    public void LaplacianVariance_SharpBeatsBlurredAndFlatIsZero()
    {
        using var sharp = TestImages.Checkerboard(64, 4);
        using var small = sharp.Resize(16, 16, Interpolation.Area);
        using var blurred = small.Resize(64, 64, Interpolation.Linear);
        using var flat = Image.Create(64, 64, 1);

        Assert.True(sharp.LaplacianVariance() > 10 * blurred.LaplacianVariance());
        Assert.Equal(0, flat.LaplacianVariance());
    }

    [Fact]
    public void MeanBrightness_BlackAndWhite_Gives0And255()
    {
        using var black = Image.Create(8, 8);
        using var white = Image.Create(8, 8);
        white.DrawRectangle(0, 0, 8, 8, BgrColor.White, thickness: -1);
        Assert.Equal(0, black.MeanBrightness());
        Assert.Equal(255, white.MeanBrightness(), precision: 6);
    }

    [Fact]
    public void PixelsMutable_Write_IsVisibleToNativeOperations()
    {
        using var image = Image.Create(4, 4, 1);
        image.PixelsMutable.Fill(200);
        Assert.Equal(200, image.MeanBrightness(), precision: 6);
    }

    [Fact]
    public void Drawing_InPlace_ChangesPixelsAndClipsOutside()
    {
        using var image = Image.Create(100, 60);
        image.DrawRectangle(10, 10, 30, 20, BgrColor.Red, thickness: 2);
        image.DrawCircle(70, 30, 10, BgrColor.Green, thickness: -1);
        image.DrawLine(-50, -50, 500, 500, BgrColor.Blue, 1);
        image.DrawText("gate 7 - ACCEPT 0.81 é", 5, 55, BgrColor.Yellow);
        image.DrawRectangle(-1000, -1000, 5000, 5000, BgrColor.White, 1);

        Assert.Equal((0, 0, 255), TestImages.Bgr(image, 10, 20));
        Assert.Equal((0, 255, 0), TestImages.Bgr(image, 70, 30));
    }

    [Fact]
    public void Paste_GreyIntoBgrPartlyOutside_CopiesClippedRegion()
    {
        using var frame = Image.Create(20, 20);
        using var patch = Image.FromPixels(Enumerable.Repeat((byte)9, 100).ToArray(), 10, 10, 1);
        frame.Paste(patch, 15, -5);
        Assert.Equal((9, 9, 9), TestImages.Bgr(frame, 19, 0));
        Assert.Equal((9, 9, 9), TestImages.Bgr(frame, 15, 4));
        Assert.Equal((0, 0, 0), TestImages.Bgr(frame, 15, 5));
    }

    [Fact]
    public void Operations_FromManyThreads_AreIndependent()
    {
        using var image = TestImages.Gradient(128, 96);
        var expected = image.LaplacianVariance();
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            using var rgb = image.ToRgb();
            using var resized = rgb.Resize(64, 48);
            Assert.Equal(expected, image.LaplacianVariance());
        });
    }
}
