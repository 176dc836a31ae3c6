using System.Diagnostics;
using Biometrics.Protos.V1;
using Grpc.Core;

namespace Biometrics.Matcher.IntegrationTests;

[Collection(MatcherCollection.Name)]
public sealed class GateSessionTests(MatcherFixture fx)
{
    private static GateSessionRequest Open(float[] claim, int budgetMs, string id) => new()
    {
        Open = new GateSessionOpen { GateId = "gate-1", LaneId = "lane-1", BudgetMs = budgetMs, SessionId = id, Claim = new Claim { ReferenceTemplate = Vectors.Embedding(claim) } },
    };

    private static async Task<GateSessionResponse> NextAsync(AsyncDuplexStreamingCall<GateSessionRequest, GateSessionResponse> call)
    {
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        return call.ResponseStream.Current;
    }

    [Fact]
    public async Task GateSession_SeveralSessionsOnOneStream_AcceptRetryRejectAndBudgetRefer()
    {
        using var call = fx.B.Matcher.GateSession(fx.B.As("gate", 60));
        var v = Vectors.Random(501);

        // 1: a strong match is accepted on the first probe.
        await call.RequestStream.WriteAsync(Open(v, 2000, "s1"));
        await call.RequestStream.WriteAsync(new GateSessionRequest { Probe = Vectors.Probe(Vectors.Near(v, 1, 0.2f)) });
        var r1 = await NextAsync(call);
        Assert.Equal(("s1", true, Decision.Accept), (r1.SessionId, r1.Final, r1.Verdict.Decision));

        // 2: a blurred probe gets RETRY with its reason, then the session goes on.
        await call.RequestStream.WriteAsync(Open(v, 2000, "s2"));
        var poor = Vectors.Probe(Vectors.Near(v, 2, 0.2f));
        poor.Quality = new ProbeQuality { Measured = true, InterEyePx = 80, Sharpness = 1, Brightness = 120, Liveness = 0.9f };
        await call.RequestStream.WriteAsync(new GateSessionRequest { Probe = poor });
        var r2 = await NextAsync(call);
        Assert.Equal(("s2", false, Decision.Retry, "low_quality:sharpness"), (r2.SessionId, r2.Final, r2.Verdict.Decision, r2.Verdict.Reason));
        for (var i = 0; i < 3; i++) await call.RequestStream.WriteAsync(new GateSessionRequest { Probe = Vectors.Probe(Vectors.Random(600 + i)) });
        GateSessionResponse r3;
        do r3 = await NextAsync(call); while (!r3.Final);
        Assert.Equal((Decision.Reject, "no_match"), (r3.Verdict.Decision, r3.Verdict.Reason));

        // 3: no probe at all: REFER when the budget runs out (the timer sends it).
        var sw = Stopwatch.StartNew();
        await call.RequestStream.WriteAsync(Open(v, 300, "s3"));
        var r4 = await NextAsync(call);
        Assert.Equal(("s3", true, Decision.Refer, "budget_exhausted"), (r4.SessionId, r4.Final, r4.Verdict.Decision, r4.Verdict.Reason));
        Assert.True(sw.ElapsedMilliseconds >= 250);

        // 4: an unknown subject ends the session with REFER and the reason; the stream stays usable.
        await call.RequestStream.WriteAsync(new GateSessionRequest { Open = new GateSessionOpen { GateId = "g", LaneId = "l", SessionId = "s4", Claim = new Claim { SubjectId = "nobody-here" } } });
        var r5 = await NextAsync(call);
        Assert.Equal(("s4", Decision.Refer, "subject_unknown"), (r5.SessionId, r5.Verdict.Decision, r5.Verdict.Reason));
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task GateSession_ManyConcurrentLanes_EachGetsItsVerdict()
    {
        var lanes = Enumerable.Range(0, 50).Select(async lane =>
        {
            using var call = fx.B.Matcher.GateSession(fx.B.As("gate", 60));
            var v = Vectors.Random(700 + lane);
            await call.RequestStream.WriteAsync(Open(v, 2000, "lane-" + lane));
            await call.RequestStream.WriteAsync(new GateSessionRequest { Probe = Vectors.Probe(Vectors.Near(v, lane, 0.2f)) });
            var r = await NextAsync(call);
            await call.RequestStream.CompleteAsync();
            return r;
        }).ToArray();
        var results = await Task.WhenAll(lanes).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(results, r => Assert.Equal(Decision.Accept, r.Verdict.Decision));
    }
}
