using Biometrics.Edge.Gate;
using Biometrics.Edge.IntegrationTests.Gate;
using Biometrics.Protos.V1;

namespace Biometrics.Edge.IntegrationTests.EndToEnd;

/// <summary>
/// The agent on synthetic lane videos (640x480 MJPG built from the shared photos) against the real matcher and a real
/// redis-server: verdicts decided by the matcher's policy on the agent's own embeddings, the QR claim signed by the
/// matcher's development issuer, and an outage of the matcher itself.
/// </summary>
[Collection(GateCollection.Name)]
public sealed class EndToEndTests(PipelineFixture pipeline, LiveMatcherFixture matcher) : IClassFixture<LiveMatcherFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        if (!matcher.IsRunning) await matcher.StartMatcherAsync();
        await matcher.EnsureEnrolledAsync(pipeline.Pipeline);
        if (!matcher.WarmedUp)
        {
            // One session on the fresh matcher, budget generous, result not asserted: the first session of a cold
            // process compiles the matcher's and the agent's session paths, which on a busy 2-core machine ate the
            // first timed test's 2 s budget.
            await Run(Options(Travellers.Resident, budgetMs: 10_000)).RunAsync(Video("warm-up", new Scene(3), new Scene(20, Travellers.ResidentAtLane)));
            matcher.WarmedUp = true;
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static GateAgentOptions Options(string? subject = null, int budgetMs = 2000) => new()
    {
        GateId = "gate-e2e",
        LaneId = "lane-1",
        Budget = TimeSpan.FromMilliseconds(budgetMs),
        FixedClaim = subject is null ? null : new Claim { SubjectId = subject },
        FixedClaimKind = subject is null ? "none" : "subject",
    };

    private GateRun Run(GateAgentOptions options, Action<GateVerdict>? onVerdict = null) => new()
    {
        Pipeline = pipeline.Pipeline,
        Address = matcher.Address,
        Token = matcher.Token(Matcher.Security.ServiceRole.Gate),
        Options = options,
        OnVerdict = onVerdict,
    };

    private string Video(string name, params Scene[] scenes) => GateVideo.Create(pipeline.Scratch, "e2e-" + name, 10, scenes);

    [Fact]
    public async Task Run_EnrolledTravellerClaimsOwnSubject_Accept()
    {
        var video = Video("accept", new Scene(3), new Scene(20, Travellers.ResidentAtLane));

        var run = await Run(Options(Travellers.Resident)).RunAsync(video);

        Assert.True(run.Finals.Count == 1, run.Describe());
        var final = run.Finals[0];
        Assert.True(final.Verdict.Decision == Decision.Accept, run.Describe());
        Assert.Equal(VerdictSource.Matcher, final.Source);
        Assert.True(final.Verdict.Score >= final.Verdict.Threshold && final.Verdict.Threshold > 0, run.Describe());
        Assert.Equal(pipeline.Pipeline.ModelId, final.Verdict.ModelId);
        Assert.InRange(final.FaceToVerdictMs!.Value, 0, 2000);
        Assert.Equal("ACCEPT", run.Lines.Single(l => l.GetProperty("final").GetBoolean()).GetProperty("decision").GetString());
    }

    [Fact]
    public async Task Run_StrangerClaimsEnrolledSubject_Reject()
    {
        // REJECT needs several good probes (GoodProbesToReject): a budget a busy 2-core machine holds for them.
        var video = Video("reject", new Scene(3), new Scene(50, Travellers.Stranger));

        var run = await Run(Options(Travellers.Resident, budgetMs: 5000)).RunAsync(video);

        Assert.True(run.Finals.Count == 1 && run.Finals[0].Verdict.Decision == Decision.Reject, run.Describe());
        var final = run.Finals[0];
        Assert.Equal(VerdictSource.Matcher, final.Source);
        Assert.True(final.Verdict.Score < final.Verdict.Threshold, run.Describe());
        Assert.Empty(final.Verdict.WatchlistHits);
    }

    [Fact]
    public async Task Run_WatchlistedTraveller_ReferWithHit()
    {
        var video = Video("watchlist", new Scene(3), new Scene(20, Travellers.WatchedAtLane));

        var run = await Run(Options(Travellers.WatchedResident)).RunAsync(video);

        Assert.True(run.Finals.Count == 1 && run.Finals[0].Verdict.Decision == Decision.Refer, run.Describe());
        var final = run.Finals[0];
        Assert.Equal(VerdictSource.Matcher, final.Source);
        var hit = Assert.Single(final.Verdict.WatchlistHits);
        Assert.Equal("watchlist", hit.Gallery);
        Assert.True(hit.Score >= hit.Threshold, run.Describe());
        var line = run.Lines.Single(l => l.GetProperty("final").GetBoolean());
        Assert.Equal(1, line.GetProperty("watchlist_hits").GetArrayLength());
    }

    [Fact]
    public async Task Run_QrTokenPrintedInFrames_ReadAndUsedAsClaim()
    {
        using var issuer = matcher.Keys.CreateQrIssuer();
        var token = issuer.Issue(Travellers.Resident, TimeSpan.FromMinutes(5));
        var video = Video("qr", new Scene(4, Qr: token), new Scene(20, Travellers.ResidentAtLane, Qr: token));

        var run = await Run(Options()).RunAsync(video);

        Assert.True(run.Finals.Count == 1 && run.Finals[0].Verdict.Decision == Decision.Accept, run.Describe());
        Assert.Equal("qr", run.Finals[0].ClaimKind);
        Assert.Equal(VerdictSource.Matcher, run.Finals[0].Source);
    }

    [Fact]
    public async Task Run_NoFaceInFrames_RetryThenReferWithinBudget()
    {
        using var issuer = matcher.Keys.CreateQrIssuer();
        var video = Video("noface", new Scene(35, Qr: issuer.Issue(Travellers.Resident, TimeSpan.FromMinutes(5))));
        var options = Options(budgetMs: 1000);
        options.MaxEdgeRetries = 1;

        var run = await Run(options).RunAsync(video);

        Assert.True(run.Verdicts.Count == 2, run.Describe());
        Assert.Equal((Decision.Retry, "no_face", false), (run.Verdicts[0].Verdict.Decision, run.Verdicts[0].Verdict.Reason, run.Verdicts[0].Final));
        Assert.InRange(run.Verdicts[0].EpisodeMs, 1000, 2500);
        Assert.Equal((Decision.Refer, "no_face", true), (run.Verdicts[1].Verdict.Decision, run.Verdicts[1].Verdict.Reason, run.Verdicts[1].Final));
        Assert.InRange(run.Verdicts[1].EpisodeMs, 2000, 3500);
    }

    [Fact]
    public async Task Run_MatcherStoppedThenStartedAgain_ReferWithinBudgetThenAccept()
    {
        await matcher.StopMatcherAsync();
        var restarted = Task.CompletedTask;
        try
        {
            // Traveller 1 (3 s) while the matcher is down, an empty lane (2 s: the traveller leaves), traveller 2 (4 s).
            var video = Video("outage", new Scene(30, Travellers.ResidentAtLane), new Scene(20), new Scene(40, Travellers.ResidentAgain));
            var run = Run(Options(Travellers.Resident, budgetMs: 1500), v =>
            {
                if (v is { Traveller: 1, Final: true })
                {
                    restarted = Task.Run(matcher.StartMatcherAsync);
                }
            });

            await run.RunAsync(video);
            await restarted.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.True(run.Finals.Count == 2, run.Describe());
            Assert.Equal((Decision.Refer, TravellerSession.MatcherUnavailable, VerdictSource.Edge),
                (run.Finals[0].Verdict.Decision, run.Finals[0].Verdict.Reason, run.Finals[0].Source));
            // At the budget, with 4.5 s for a busy 2-core CI machine (3.4 s was seen at load 23 for this 1.5 s budget).
            Assert.InRange(run.Finals[0].FaceToVerdictMs!.Value, 1400, 6000);
            Assert.True(run.Finals[1].Verdict.Decision == Decision.Accept, run.Describe());
            Assert.Equal(VerdictSource.Matcher, run.Finals[1].Source);
            Assert.Contains("connection up", run.Console);
        }
        finally
        {
            await restarted.WaitAsync(TimeSpan.FromSeconds(60));
            if (!matcher.IsRunning) await matcher.StartMatcherAsync();
        }
    }
}
