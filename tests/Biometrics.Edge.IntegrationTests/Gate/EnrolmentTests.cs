using Biometrics.Edge.Connection;
using Biometrics.Edge.Enrolment;
using Biometrics.Testing;

namespace Biometrics.Edge.IntegrationTests.Gate;

public sealed class EnrolmentTests : IAsyncLifetime
{
    private readonly FakeMatcher _matcher = new();

    public Task InitializeAsync() => _matcher.StartAsync();

    public async Task DisposeAsync() => await _matcher.DisposeAsync();

    [Fact]
    public void Walk_LfwFolderTree_OneSubjectPerIdentityFolder()
    {
        var plan = EnrolmentFolderWalker.Walk(SharedFiles.Face("lfw-color-10"), maxImagesPerSubject: 2);

        Assert.Equal(10, plan.Items.Count);
        Assert.Contains(plan.Items, i => i.SubjectId == "Ariel_Sharon");
        Assert.All(plan.Items, i => Assert.Equal(2, i.Files.Count));
        Assert.Empty(plan.Skipped);
    }

    [Fact]
    public async Task RunAsync_StreamToMatcher_EveryIdentityEnrolledWithStableRequestIds()
    {
        var plan = EnrolmentFolderWalker.Walk(SharedFiles.Face("lfw-color-10"), maxImagesPerSubject: 1);
        using var connection = new MatcherConnection(new MatcherConnectionOptions { Address = _matcher.Address, Token = "desk" });
        var runner = new EnrolmentRunner(connection) { Galleries = ["residents"], Window = 4 };
        var outcomes = new List<EnrolmentOutcome>();

        var summary = await runner.RunAsync(plan.Items, outcomes.Add, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(10, summary.Enrolled);
        Assert.Equal(10, _matcher.Service.Enrolments.Count);
        Assert.All(_matcher.Service.Enrolments, r => Assert.Single(r.Images));
        Assert.Equal(runner.BuildRequest(plan.Items[0]).RequestId, outcomes.Single(o => o.SubjectId == plan.Items[0].SubjectId).RequestId);
    }

    [Fact]
    public async Task RunAsync_NothingListening_AllFailedWithReason()
    {
        var plan = EnrolmentFolderWalker.Walk(SharedFiles.Face("lfw-color-10"), maxImagesPerSubject: 1);
        using var connection = new MatcherConnection(new MatcherConnectionOptions
        {
            Address = $"http://127.0.0.1:{FreePort.Next()}",
            BackoffInitial = TimeSpan.FromMilliseconds(50),
            BackoffMaximum = TimeSpan.FromMilliseconds(100),
        });
        var runner = new EnrolmentRunner(connection) { Unary = true, Attempts = 2 };

        var summary = await runner.RunAsync(plan.Items.Take(3).ToList(), _ => { }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(3, summary.Failed);
        Assert.Equal(0, summary.Enrolled);
    }

    [Fact]
    public void Report_FirstUnforcedCall_DrawsBar()
    {
        var writer = new StringWriter();
        var bar = new ProgressBar(writer, 2, width: 10);

        bar.Report(1, "enrolled 1");

        Assert.StartsWith("\r[#####.....] 1/2", writer.ToString());
    }

    [Fact]
    public void Render_HalfDone_ShowsBarCountsAndNote()
    {
        var text = ProgressBar.Render(5, 10, TimeSpan.FromSeconds(2), 10, "enrolled 5");
        Assert.StartsWith("[#####.....] 5/10  50 % 2.5/s ETA 2 s | enrolled 5", text);
    }
}
