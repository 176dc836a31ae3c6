using Biometrics.Testing;
using Biometrics.Vision.Imaging;

namespace Biometrics.Vision.Tests.Imaging;

public sealed class QrCodeTests
{
    private const string Token = "BMQR1.eyJzdWIiOiJ0cmF2ZWxsZXItNDIiLCJleHAiOjE3OTk5OTk5OTl9.c2lnbmF0dXJl";

    [Fact]
    public void DetectAndDecode_EncodedCodeDrawnIntoFrame_ReturnsTextAndCorners()
    {
        using var frame = Image.Create(640, 480);
        frame.DrawRectangle(0, 0, 640, 480, new BgrColor(90, 110, 120), thickness: -1);
        frame.DrawText("lane 3", 20, 40, BgrColor.White, 1.0, 2);
        using var code = Image.Decode(QrCodes.Png(Token, modulePixels: 5));
        frame.Paste(code, 200, 100);
        using var detector = new QrCodeDetector();

        var result = detector.DetectAndDecode(frame);

        Assert.NotNull(result);
        Assert.True(result.IsDecoded);
        Assert.Equal(Token, result.Text);
        Assert.Equal(4, result.Corners.Count);
        foreach (var corner in result.Corners)
        {
            Assert.InRange(corner.X, 200 - 2, 200 + code.Width + 2);
            Assert.InRange(corner.Y, 100 - 2, 100 + code.Height + 2);
        }
    }

    [Fact]
    public void DetectAndDecode_CodeInVideoFrames_SurvivesMjpegRoundTrip()
    {
        var path = Path.Combine(Path.GetTempPath(), $"qr-{Guid.NewGuid():N}.avi");
        try
        {
            using (var writer = new VideoWriter(path, 10, 320, 240))
            using (var code = Image.Decode(QrCodes.Png(Token, modulePixels: 3)))
            {
                for (var i = 0; i < 3; i++)
                {
                    using var frame = Image.Create(320, 240);
                    frame.DrawRectangle(0, 0, 320, 240, BgrColor.White, -1);
                    frame.Paste(code, 20 + (i * 10), 20);
                    writer.Write(frame);
                }
            }

            using var capture = VideoCapture.Open(path);
            using var detector = new QrCodeDetector();
            var decoded = 0;
            while (capture.TryRead(out var frame))
            {
                using (frame)
                {
                    decoded += detector.DetectAndDecode(frame)?.Text == Token ? 1 : 0;
                }
            }

            Assert.Equal(3, decoded);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void DetectAndDecode_SmallTiltedCodeInJpegFrame_ReturnsText()
    {
        // 2-pixel modules tilted by 8 degrees after JPEG at quality 50: cv::QRCodeDetector alone reads none of these.
        using var frame = TestImages.Gradient(640, 480);
        using var code = Image.Decode(QrCodes.Png(Token, modulePixels: 2));
        frame.Paste(code, 400, 250);
        double cx = 400 + (code.Width / 2.0), cy = 250 + (code.Height / 2.0), c = Math.Cos(Math.PI / 22.5), s = Math.Sin(Math.PI / 22.5);
        using var tilted = frame.WarpAffine([c, -s, cx - (c * cx) + (s * cy), s, c, cy - (s * cx) - (c * cy)], 640, 480);
        using var jpeg = Image.Decode(tilted.EncodeJpeg(50));
        using var detector = new QrCodeDetector();

        Assert.Equal(Token, detector.DetectAndDecode(jpeg)?.Text);
    }

    [Fact]
    public void DetectAndDecode_NoCode_ReturnsNull()
    {
        using var frame = TestImages.Gradient(320, 240);
        using var detector = new QrCodeDetector();
        Assert.Null(detector.DetectAndDecode(frame));
    }
}
