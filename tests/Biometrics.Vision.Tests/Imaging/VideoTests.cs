using Biometrics.Vision.Imaging;

namespace Biometrics.Vision.Tests.Imaging;

public sealed class VideoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bn-video-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void VideoWriter_MjpgAvi_ReadsBackAllFramesAtTheRightSize()
    {
        var path = Path.Combine(_dir, "frames.avi");
        const int count = 12;
        using (var writer = new VideoWriter(path, fps: 10, width: 160, height: 120))
        {
            for (var i = 0; i < count; i++)
            {
                using var frame = Image.Create(160, 120);
                frame.DrawRectangle(i * 10, 40, 20, 40, BgrColor.White, thickness: -1);
                writer.Write(frame);
            }

            Assert.Equal(count, writer.FramesWritten);
        }

        using var capture = VideoCapture.Open(path);
        Assert.Equal(160, capture.Width);
        Assert.Equal(120, capture.Height);
        Assert.Equal(10, capture.Fps, precision: 3);
        Assert.Equal(count, capture.FrameCount);

        var read = 0;
        while (capture.TryRead(out var frame))
        {
            using (frame)
            {
                Assert.Equal((160, 120, 3), (frame.Width, frame.Height, frame.Channels));
                // The white bar moved 10 px per frame.
                Assert.True(TestImages.Bgr(frame, (read * 10) + 10, 60).G > 200, $"frame {read}");
                read++;
            }
        }

        Assert.Equal(count, read);
        Assert.Null(capture.Read());
    }

    [Fact]
    public void VideoWriter_FrameOfWrongSize_ThrowsArgumentException()
    {
        using var writer = new VideoWriter(Path.Combine(_dir, "x.avi"), 5, 64, 48);
        using var frame = Image.Create(32, 32);
        var e = Assert.Throws<ArgumentException>(() => writer.Write(frame));
        Assert.Contains("32x32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VideoWriter_GreyFrameToColourVideo_IsConverted()
    {
        var path = Path.Combine(_dir, "grey.avi");
        using (var writer = new VideoWriter(path, 5, 32, 32))
        {
            using var grey = Image.Create(32, 32, 1);
            writer.Write(grey);
        }

        using var capture = VideoCapture.Open(path);
        Assert.True(capture.TryRead(out var frame));
        frame.Dispose();
    }

    [Fact]
    public void VideoWriter_UnwritablePath_ThrowsIOException()
    {
        Assert.Throws<IOException>(() => new VideoWriter(Path.Combine(_dir, "no", "such", "dir", "v.avi"), 5, 32, 32));
    }

    [Fact]
    public void VideoCapture_MissingFile_ThrowsIOException()
    {
        var e = Assert.Throws<IOException>(() => VideoCapture.Open(Path.Combine(_dir, "missing.avi")));
        Assert.Contains("missing.avi", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VideoCapture_NotAVideo_ThrowsIOException()
    {
        var path = Path.Combine(_dir, "text.avi");
        File.WriteAllText(path, "not a video at all");
        Assert.Throws<IOException>(() => VideoCapture.Open(path));
    }

    [Fact]
    public void VideoCapture_AbsentCamera_ThrowsIOException()
    {
        if (File.Exists("/dev/video9"))
        {
            return; // a machine that really has that device
        }

        var e = Assert.Throws<IOException>(() => VideoCapture.Open(9));
        Assert.Contains("camera 9", e.Message, StringComparison.Ordinal);
    }
}
