using Biometrics.Testing;
using Biometrics.Vision.Imaging;

namespace Biometrics.Edge.IntegrationTests.Cli;

public sealed class MakeVideoCommandTests
{
    [Fact]
    public async Task MakeVideo_PhotosAndBlanks_WritesEveryFrameAtTheGivenSize()
    {
        var dir = Directory.CreateTempSubdirectory("make-video-").FullName;
        try
        {
            var video = Path.Combine(dir, "lane.avi");

            var run = await CliRun.RunAsync("make-video", video, "blank:3", SharedFiles.Face("deepface", "img1.jpg") + ":5",
                SharedFiles.Face("deepface", "img15.jpg"), "--hold", "4", "--fps", "12.5", "--width", "320", "--height", "240");

            Assert.True(run.ExitCode == 0, run.Error);
            Assert.Contains("12 frames", run.Out, StringComparison.Ordinal);
            using var capture = VideoCapture.Open(video);
            Assert.Equal(320, capture.Width);
            Assert.Equal(240, capture.Height);
            var frames = 0;
            while (capture.TryRead(out var frame))
            {
                frame.Dispose();
                frames++;
            }

            Assert.Equal(12, frames);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("out.mp4", "blank")]
    [InlineData("out.avi", "blank:0")]
    [InlineData("out.avi", "no-such-photo.jpg")]
    public async Task MakeVideo_BadArguments_Exit2(string output, string scene)
    {
        var run = await CliRun.RunAsync("make-video", Path.Combine(Path.GetTempPath(), output), scene);

        Assert.Equal(2, run.ExitCode);
    }
}
