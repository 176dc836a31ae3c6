using Biometrics.Edge.Gate;
using Biometrics.Edge.IntegrationTests.Gate;
using Biometrics.Protos.V1;

namespace Biometrics.Edge.IntegrationTests.EndToEnd;

/// <summary>
/// The lane against the real matcher as a new user meets it (issue 12): a stranger right behind an enrolled traveller.
/// </summary>
[Collection(GateCollection.Name)]
public sealed class LaneEndToEndTests(PipelineFixture pipeline, LiveMatcherFixture matcher) : IClassFixture<LiveMatcherFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        if (!matcher.IsRunning) await matcher.StartMatcherAsync();
        await matcher.EnsureEnrolledAsync(pipeline.Pipeline);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Run_StrangerRightBehindEnrolledTraveller_AcceptThenReject()
    {
        var video = GateVideo.Create(pipeline.Scratch, "e2e-tailgater", 10,
            new Scene(15, Travellers.ResidentAtLane), new Scene(60, Travellers.Stranger));
        var run = new GateRun
        {
            Pipeline = pipeline.Pipeline,
            Address = matcher.Address,
            Token = matcher.Token(Matcher.Security.ServiceRole.Gate),
            // A budget with room for the first session on a freshly started matcher on a loaded machine: this is about
            // who gets a session, not about time.
            Options = new GateAgentOptions
            {
                Budget = TimeSpan.FromSeconds(5),
                FixedClaim = new Claim { SubjectId = Travellers.Resident },
                FixedClaimKind = "subject",
            },
        };

        await run.RunAsync(video);

        Assert.True(run.Finals.Count == 2, run.Describe());
        Assert.True((run.Finals[0].Traveller, run.Finals[0].Verdict.Decision) == (1, Decision.Accept), run.Describe());
        Assert.True((run.Finals[1].Traveller, run.Finals[1].Verdict.Decision) == (2, Decision.Reject), run.Describe());
        Assert.Equal(VerdictSource.Matcher, run.Finals[1].Source);
    }
}
