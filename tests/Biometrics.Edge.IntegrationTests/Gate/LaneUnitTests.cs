using Biometrics.Edge.Capture;
using Biometrics.Edge.Connection;
using Biometrics.Edge.Gate;
using Biometrics.Edge.Tracking;
using Biometrics.Testing;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;

namespace Biometrics.Edge.IntegrationTests.Gate;

/// <summary>The lane's frame source, annotated frame and summary on their own (no models, no matcher).</summary>
public sealed class LaneUnitTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "biometrics-lane-unit-" + Guid.NewGuid().ToString("N")[..8]);

    public LaneUnitTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task ReadAsync_TextFilesNamedJpgFirstMidAndLast_SkippedWithReasonAndOtherFramesDelivered()
    {
        var photo = SharedFiles.Face("deepface", "img1.jpg");
        File.WriteAllText(Path.Combine(_folder, "f0.jpg"), "not an image");
        File.Copy(photo, Path.Combine(_folder, "f1.jpg"));
        File.WriteAllText(Path.Combine(_folder, "f2.jpg"), "not an image either");
        File.Copy(photo, Path.Combine(_folder, "f3.jpg"));
        File.WriteAllText(Path.Combine(_folder, "f4.jpg"), string.Empty);
        using var source = new ImageFolderFrameSource(_folder, 10, PacingMode.AsFastAsPossible);
        var skipped = new List<(long Index, string Reason)>();
        source.FrameSkipped += (i, why) => skipped.Add((i, why));

        var delivered = new List<long>();
        while (await source.ReadAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10)) is { } frame)
        {
            using (frame)
            {
                delivered.Add(frame.Index);
            }
        }

        Assert.Equal([1L, 3L], delivered);
        Assert.Equal([0L, 2L, 4L], skipped.Select(s => s.Index));
        Assert.All(skipped, s => Assert.Contains(Path.Combine(_folder, $"f{s.Index}.jpg"), s.Reason));
    }

    [Fact]
    public void Draw_LaneFaceNotAnalysedAfterVerdict_BoxedGreenAsUsable()
    {
        var tracks = new FaceTracker().Update([new FaceBox(100, 100, 300, 340, 0.99f)], 0);
        using var frame = Image.Create(640, 480);

        FrameAnnotator.Draw(frame, new FrameResult(tracks, tracks[0], Analysis: null, Problem: null, ShotSent: false, QrText: null, Traveller: 1),
            last: null, ConnectionState.Up);

        var left = frame.Pixels.Slice(220 * frame.Stride + 100 * 3, 3).ToArray(); // the box's left edge, half-way down
        Assert.Equal([(byte)0, (byte)255, (byte)0], left);
    }

    [Fact]
    public void Summary_NoFinalVerdictWithFace_ShowsDashNotNaN()
    {
        var console = new StringWriter();
        var stats = new GateRunStatistics();
        stats.AddSkippedFrame();

        new LiveView(console, enabled: true, "lane-1").Summary(stats);

        var text = console.ToString();
        Assert.DoesNotContain("NaN", text);
        Assert.Contains("face to verdict -", text);
        Assert.Contains("1 skipped unreadable", text);
        Assert.Contains("\"skipped_frames\": 1", stats.ToJson());
    }
}
