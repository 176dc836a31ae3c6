using System.Net;
using System.Net.Sockets;
using Biometrics.Edge.Capture;
using Biometrics.Edge.Gate;
using Biometrics.Protos.V1;
using Biometrics.Testing;

namespace Biometrics.Edge.IntegrationTests.Gate;

/// <summary>
/// The lane as a new user meets it (issue 12): a stranger right behind a traveller, unreadable frames, Ctrl+C at any
/// moment. Against the scripted matcher.
/// </summary>
[Collection(GateCollection.Name)]
public sealed class LaneTests(PipelineFixture fixture) : IAsyncLifetime
{
    private readonly FakeMatcher _matcher = new();

    private static string Traveller => SharedFiles.Face("deepface", "img1.jpg");

    private static string Stranger => SharedFiles.Face("deepface", "img15.jpg");

    public Task InitializeAsync() => _matcher.StartAsync();

    public async Task DisposeAsync() => await _matcher.DisposeAsync();

    private static GateAgentOptions Options(int budgetMs = 2000) => new()
    {
        Budget = TimeSpan.FromMilliseconds(budgetMs),
        FixedClaim = new Claim { SubjectId = "traveller-1" },
        FixedClaimKind = "subject",
    };

    private GateRun Run(string? address = null, int budgetMs = 2000) =>
        new() { Pipeline = fixture.Pipeline, Address = address ?? _matcher.Address, Options = Options(budgetMs) };

    [Fact]
    public async Task Run_StrangerStepsInWithNoEmptyFrame_SecondTravellerGetsOwnSessionAndVerdict()
    {
        var video = GateVideo.Create(fixture.Scratch, "tailgater", 10, new Scene(15, Traveller), new Scene(40, Stranger));

        var run = await Run().RunAsync(video);

        Assert.True(run.Finals.Count == 2, run.Describe());
        Assert.Equal([1, 2], run.Finals.Select(f => f.Traveller));
        Assert.All(run.Finals, f => Assert.Equal(VerdictSource.Matcher, f.Source));
        Assert.Equal(2, _matcher.Service.Opens.Select(o => o.SessionId).Distinct().Count());
        Assert.Contains("another face in the lane", run.Console);
    }

    [Fact]
    public async Task Run_SameTravellerStaysAfterVerdict_OneTravellerOneVerdict()
    {
        var video = GateVideo.Create(fixture.Scratch, "stays", 10, new Scene(55, Traveller));

        var run = await Run().RunAsync(video);

        Assert.True(run.Finals.Count == 1, run.Describe());
        Assert.Single(_matcher.Service.Opens);
        Assert.DoesNotContain("another face", run.Console);
    }

    [Fact]
    public async Task Run_UnreadableFramesFirstMidAndLast_SkippedCountedAndVerdictGiven()
    {
        var folder = Directory.CreateDirectory(Path.Combine(fixture.Scratch, "bad-frames")).FullName;
        using (var frame = GateVideo.Render(new Scene(1, Traveller)))
        {
            var jpeg = frame.EncodeJpeg();
            for (var i = 1; i <= 20; i++)
            {
                File.WriteAllBytes(Path.Combine(folder, $"frame-{i:D3}.jpg"), jpeg);
            }
        }

        File.WriteAllText(Path.Combine(folder, "frame-000.jpg"), "not a JPEG");
        File.WriteAllText(Path.Combine(folder, "frame-010.jpg"), "not a JPEG"); // replaces a good frame mid-folder
        File.WriteAllText(Path.Combine(folder, "frame-999.jpg"), "not a JPEG");
        // Every frame (real-time pacing could drop a bad one before it is read).
        using var source = new ImageFolderFrameSource(folder, 10, PacingMode.AsFastAsPossible);

        var run = await Run().RunAsync(source, CancellationToken.None);

        Assert.Equal(3, run.Statistics!.SkippedFrames);
        Assert.Equal(19, run.Statistics.Frames);
        Assert.True(run.Finals.Count == 1 && run.Finals[0].Verdict.Decision == Decision.Accept, run.Describe());
        Assert.Contains("frame-999.jpg", run.Console);
        Assert.Contains("3 skipped unreadable", run.Console);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(500)]
    [InlineData(1500)]
    [InlineData(2500)]
    public async Task Run_CancelledAtAnyMoment_ReturnsWithSummary(int afterMs)
    {
        _matcher.Service.Delay = TimeSpan.FromSeconds(10); // sessions stay open: the cancellation also finds one under way
        var video = GateVideo.Create(fixture.Scratch, "cancel-" + afterMs, 10, new Scene(2), new Scene(58, Traveller));
        using var source = VideoFrameSource.OpenFile(video, PacingMode.RealTime);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(afterMs));

        var run = await Run(budgetMs: 5000).RunAsync(source, stop.Token, timeoutSeconds: 30);

        Assert.NotNull(run.Statistics);
        Assert.Contains("stopped", run.Console);
        Assert.Contains("done:", run.Console);
        Assert.True(run.Statistics.Frames + run.Statistics.DroppedFrames < 60, run.Describe()); // stopped, not run to the end
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(500)]
    public async Task Run_CancelledDuringFirstHealthCheck_ReturnsWithSummary(int afterMs)
    {
        // Accepts connections (the kernel's backlog) and never answers: the agent's first health check hangs until
        // its deadline, so the cancellation lands in it.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var address = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
        var video = GateVideo.Create(fixture.Scratch, "cancel-health-" + afterMs, 10, new Scene(30));
        using var source = VideoFrameSource.OpenFile(video, PacingMode.RealTime);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(afterMs));

        var run = await Run(address).RunAsync(source, stop.Token, timeoutSeconds: 30);

        Assert.NotNull(run.Statistics);
        Assert.Contains("stopped", run.Console);
        Assert.Contains("done:", run.Console);
    }

    [Fact]
    public async Task Run_UnreadableFirstFrameAndCancel_ReturnsWithSummary()
    {
        var folder = Directory.CreateDirectory(Path.Combine(fixture.Scratch, "bad-first")).FullName;
        File.WriteAllText(Path.Combine(folder, "frame-000.jpg"), "not a JPEG");
        using (var frame = GateVideo.Render(new Scene(1)))
        {
            var jpeg = frame.EncodeJpeg();
            for (var i = 1; i <= 30; i++)
            {
                File.WriteAllBytes(Path.Combine(folder, $"frame-{i:D3}.jpg"), jpeg);
            }
        }

        using var source = new ImageFolderFrameSource(folder, 10, PacingMode.RealTime);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        var run = await Run().RunAsync(source, stop.Token, timeoutSeconds: 30);

        Assert.Equal(1, run.Statistics!.SkippedFrames);
        Assert.Contains("stopped", run.Console);
    }
}
