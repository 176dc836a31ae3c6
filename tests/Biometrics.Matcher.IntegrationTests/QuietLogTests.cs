using System.Globalization;
using System.Text.RegularExpressions;
using Biometrics.Matcher.Grpc;
using Biometrics.Protos.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>Issue 12: unauthenticated load wrote one warning per refused call (6,836 lines in seconds), and a gate
/// session that the lane ended by closing its stream was logged at error level with a stack trace.</summary>
[Collection(MatcherCollection.Name)]
public sealed class QuietLogTests(MatcherFixture fx)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Refusals_ManyUnauthenticatedCalls_OneLineThenCounted()
    {
        var logs = new CapturingLoggerProvider();
        await using var m = await MatcherInstance.StartAsync(fx.Redis.EndPoint, fx.KeysDirectory, pipeline: false, logging: l => l.AddProvider(logs));
        var request = new VerifyRequest { Claim = new Claim { SubjectId = "someone" }, Probe = Vectors.Probe(Vectors.Random(7)) };
        var calls = Enumerable.Range(0, 300).Select(async i =>
        {
            var options = i % 3 == 0
                ? new CallOptions(new Metadata { { "authorization", "Bearer b1.not.a-token" } }, DateTime.UtcNow + Limit)
                : new CallOptions(deadline: DateTime.UtcNow + Limit);
            var ex = await Assert.ThrowsAsync<RpcException>(() => m.Matcher.VerifyAsync(request, options).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        });
        await Task.WhenAll(calls).WaitAsync(Limit);

        var refusals = m.Services.GetRequiredService<RefusalLog>();
        Assert.Equal(300, refusals.Total);
        refusals.Flush(); // the end of the interval, without waiting for it
        var lines = logs.Entries.Where(e => e.Category == typeof(RefusalLog).FullName).Select(e => e.Message).ToList();
        var text = string.Join("\n", lines);
        // One full line per interval (10 s) and one summary: two lines, unless this machine took over 10 s for the calls.
        var full = lines.Count(l => l.StartsWith("Refused /biometrics.v1.Matcher/Verify from ", StringComparison.Ordinal));
        var counted = lines.Select(l => Regex.Match(l, @"^Refused (\d+) more calls")).Where(x => x.Success).Sum(x => int.Parse(x.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.True(full >= 1 && lines.Count <= 6 && full + counted == 300, text);
        Assert.Contains("missing_token", text, StringComparison.Ordinal);
        Assert.Contains("bad_token", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GateSession_LaneClosesOrResetsAfterVerdict_NothingLoggedAsError()
    {
        var logs = new CapturingLoggerProvider();
        await using var m = await MatcherInstance.StartAsync(fx.Redis.EndPoint, fx.KeysDirectory, pipeline: false, logging: l => l.AddProvider(logs));
        var v = Vectors.Random(811);
        for (var i = 0; i < 20; i++)
        {
            // As the edge agent does it: the final verdict, then the request stream completed (or not, every other
            // time) and the call disposed at once, which resets the HTTP/2 stream.
            using (var call = m.Matcher.GateSession(m.As("gate")))
            {
                await call.RequestStream.WriteAsync(new GateSessionRequest
                {
                    Open = new GateSessionOpen { GateId = "gate-q", LaneId = "lane-q", BudgetMs = 2000, SessionId = "q" + i, Claim = new Claim { ReferenceTemplate = Vectors.Embedding(v) } },
                }).WaitAsync(Limit);
                await call.RequestStream.WriteAsync(new GateSessionRequest { Probe = Vectors.Probe(Vectors.Near(v, i, 0.2f)) }).WaitAsync(Limit);
                Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Limit));
                Assert.True(call.ResponseStream.Current.Final);
                if (i % 2 == 0) await call.RequestStream.CompleteAsync().WaitAsync(Limit);
            }

            // A lane that goes away mid-session, before any verdict.
            using (var call = m.Matcher.GateSession(m.As("gate")))
            {
                await call.RequestStream.WriteAsync(new GateSessionRequest
                {
                    Open = new GateSessionOpen { GateId = "gate-q", LaneId = "lane-q", BudgetMs = 5000, SessionId = "r" + i, Claim = new Claim { ReferenceTemplate = Vectors.Embedding(v) } },
                }).WaitAsync(Limit);
            }
        }

        await Task.Delay(500); // let the server finish the reset calls
        var errors = logs.Entries.Where(e => e.Level >= LogLevel.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Category} {e.Level}: {e.Message} {e.Exception}")));
    }
}
