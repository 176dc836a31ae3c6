using Biometrics.Edge.Connection;
using Biometrics.Edge.Enrolment;
using Biometrics.Edge.Gate;
using Biometrics.Edge.IntegrationTests.Gate;
using Biometrics.Protos.V1;
using Biometrics.Testing;

namespace Biometrics.Edge.IntegrationTests.EndToEnd;

/// <summary>
/// The lane against the real matcher as a new user meets it (issue 12): a stranger right behind an enrolled traveller,
/// and calls without a bearer token, which must be refused as such every time.
/// </summary>
[Collection(GateCollection.Name)]
public sealed class LaneEndToEndTests(PipelineFixture pipeline, LiveMatcherFixture matcher) : IClassFixture<LiveMatcherFixture>, IAsyncLifetime
{
    private const int Repeats = 25;

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

    [Fact]
    public async Task Completion_NoToken_ReferRpcUnauthenticatedMissingTokenEveryTime()
    {
        using var connection = new MatcherConnection(new MatcherConnectionOptions { Address = matcher.Address });
        Assert.True(await connection.CheckAsync(TimeSpan.FromSeconds(5), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)), connection.LastError);
        var probe = new Probe { Embedding = new Embedding { ModelId = pipeline.Pipeline.ModelId } };
        probe.Embedding.Values.AddRange(Enumerable.Repeat(1f / MathF.Sqrt(512), 512));

        var reasons = new List<string>();
        for (var i = 0; i < Repeats; i++)
        {
            var verdicts = new List<Verdict>();
            var clock = TimeProvider.System;
            var open = new GateSessionOpen { GateId = "g", LaneId = "l", SessionId = $"no-token-{i}", Claim = new Claim { SubjectId = Travellers.Resident }, BudgetMs = 3000 };
            await using var session = new TravellerSession(connection, open, clock.GetTimestamp() + 3 * clock.TimestampFrequency, (v, final, _) =>
            {
                lock (verdicts)
                {
                    verdicts.Add(v);
                }
            });
            session.Send(probe);
            session.Start();
            await session.Completion.WaitAsync(TimeSpan.FromSeconds(15));
            lock (verdicts)
            {
                var verdict = Assert.Single(verdicts);
                reasons.Add($"{verdict.Reason} {verdict.ReasonText}");
            }
        }

        Assert.True(reasons.All(r => r.StartsWith(TravellerSession.RpcErrorPrefix + "unauthenticated ", StringComparison.Ordinal) && r.Contains("missing_token", StringComparison.Ordinal)),
            string.Join('\n', reasons));
    }

    [Fact]
    public async Task RunAsync_EnrolStreamWithoutToken_EverySubjectFailsUnauthenticatedMissingToken()
    {
        // As `enrol --folder` sends them: ten subjects of ten photos each, the stream still being written when refused.
        var items = EnrolmentFolderWalker.Walk(SharedFiles.Face("lfw-color-10"), maxImagesPerSubject: 10).Items;

        var reasons = new List<string?>();
        for (var i = 0; i < Repeats; i++)
        {
            using var connection = new MatcherConnection(new MatcherConnectionOptions { Address = matcher.Address }); // a new process each time
            var outcomes = new List<EnrolmentOutcome>();
            var summary = await new EnrolmentRunner(connection).RunAsync(items, outcomes.Add, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(items.Count, summary.Failed);
            reasons.AddRange(outcomes.Select(o => o.Reason));
        }

        Assert.True(reasons.All(r => r is not null && r.StartsWith("Unauthenticated: ", StringComparison.Ordinal) && r.Contains("missing_token", StringComparison.Ordinal)),
            string.Join('\n', reasons));
    }
}
