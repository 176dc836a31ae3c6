using System.Diagnostics;
using Grpc.Core;
using Biometrics.Protos.V1;
using Biometrics.Testing;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>Its own redis-server and matcher (embeddings only): the store is killed during traffic and restarted.</summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private readonly TempFolder _keys = new("biometrics-outage-keys-");
    private RedisServer _redis = null!;
    private MatcherInstance _matcher = null!;

    public async Task InitializeAsync()
    {
        _redis = new RedisServer("--appendfsync", "always");
        _matcher = await MatcherInstance.StartAsync(_redis.EndPoint, _keys.Path, pipeline: false, new Dictionary<string, string?> { ["Matcher:Redis:CommandTimeoutMs"] = "500" });
    }

    public async Task DisposeAsync()
    {
        if (_matcher is not null) await _matcher.DisposeAsync();
        _redis?.Dispose();
        _keys.Dispose();
    }

    [Fact]
    public async Task Verify_RedisKilledAndRestarted_ReferOrUnavailableWithinDeadlineThenRecovers()
    {
        var v = Vectors.Random(4242);
        var enrol = new EnrolRequest { RequestId = "outage-1", SubjectId = "outage-subject", Template = Vectors.Embedding(v) };
        Assert.Equal(EnrolStatus.Enrolled, (await _matcher.Enrolment.EnrolAsync(enrol, _matcher.As("enrolment")).ResponseAsync).Status);
        var request = new VerifyRequest { Claim = new Claim { SubjectId = "outage-subject" }, Probe = Vectors.Probe(Vectors.Near(v, 9, 0.2f)) };
        Assert.Equal(Decision.Accept, (await VerifyAsync(request, 5)).Decision);

        _redis.Kill();
        const double deadline = 0.5;
        for (var i = 0; i < 20; i++)
        {
            var sw = Stopwatch.StartNew();
            try
            {
                var verdict = await VerifyAsync(request, deadline);
                Assert.Equal(Decision.Refer, verdict.Decision);
                Assert.Equal("store_unavailable", verdict.Reason);
            }
            catch (RpcException ex)
            {
                Assert.True(ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded, ex.ToString());
            }

            // Within the deadline (plus scheduling slack on a shared 2-core machine), never hanging.
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(deadline + 1.5), $"call {i} took {sw.ElapsedMilliseconds} ms");
        }

        var enrolDown = await Assert.ThrowsAsync<RpcException>(() =>
            _matcher.Enrolment.EnrolAsync(new EnrolRequest { RequestId = "outage-2", SubjectId = "x", Template = Vectors.Embedding(v) }, _matcher.As("enrolment", 5)).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, enrolDown.StatusCode);

        _redis.Restart(); // same port and AOF: the acknowledged enrolment is still there
        Verdict? last = null;
        for (var i = 0; i < 150 && last?.Decision != Decision.Accept; i++)
        {
            try
            {
                last = await VerifyAsync(request, 2);
            }
            catch (RpcException)
            {
            }

            if (last?.Decision != Decision.Accept) await Task.Delay(100);
        }

        Assert.Equal(Decision.Accept, last?.Decision);
    }

    private Task<Verdict> VerifyAsync(VerifyRequest r, double deadlineSeconds) =>
        _matcher.Matcher.VerifyAsync(r, _matcher.As("gate", deadlineSeconds)).ResponseAsync;
}
