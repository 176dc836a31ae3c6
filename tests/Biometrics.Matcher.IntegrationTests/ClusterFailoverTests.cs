using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Biometrics.Matcher.Hosting;
using Biometrics.Matcher.Security;
using Biometrics.Matcher.Store;
using Biometrics.Protos.V1;
using Biometrics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>
/// A matcher on its own 3-primary, 3-replica Redis Cluster with enrolments waiting for one replica: a primary is
/// SIGKILLed in the middle of enrolments; its replica takes over; every acknowledged enrolment is readable afterwards,
/// and Verify calls made meanwhile get an answer (REFER when the store is unavailable) or UNAVAILABLE within their
/// deadline, never later.
/// </summary>
public sealed class ClusterFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const double Deadline = 1.0;
    private readonly TempFolder _keys = new("biometrics-failover-keys-");
    private RedisCluster _cluster = null!;
    private MatcherInstance _matcher = null!;

    public async Task InitializeAsync()
    {
        _cluster = new RedisCluster();
        _matcher = await MatcherInstance.StartAsync(_cluster.Configuration, _keys.Path, pipeline: false, new Dictionary<string, string?>
        {
            ["Matcher:Redis:CommandTimeoutMs"] = "500",
            ["Matcher:Store:WaitForReplicas"] = "1",
            ["Matcher:Store:WaitTimeout"] = "00:00:01",
        });
    }

    public async Task DisposeAsync()
    {
        if (_matcher is not null) await _matcher.DisposeAsync();
        _cluster?.Dispose();
        _keys.Dispose();
    }

    [Fact]
    public async Task KillPrimaryMidEnrolment_WaitForReplica_EveryAcknowledgedEnrolmentReadableAndVerifyWithinDeadline()
    {
        var acknowledged = new ConcurrentDictionary<string, int>();
        var enrolFailures = new ConcurrentBag<StatusCode>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var id = $"F{w}-{i}";
                var seed = (w * 100_000) + i;
                try
                {
                    var r = await _matcher.Enrolment.EnrolAsync(
                        new EnrolRequest { RequestId = "failover-" + id, SubjectId = id, Template = Vectors.Embedding(Vectors.Random(seed)) },
                        _matcher.As("enrolment", 10)).ResponseAsync;
                    if (r.Status == EnrolStatus.Enrolled) acknowledged[id] = seed;
                }
                catch (RpcException ex)
                {
                    enrolFailures.Add(ex.StatusCode);
                    await Task.Delay(20);
                }
            }
        })).ToArray();

        await WaitUntil(() => acknowledged.Count >= 60, TimeSpan.FromSeconds(120));
        var before = acknowledged.ToArray();
        var killed = _cluster.KillPrimaryOf("any-key");

        // Verify subjects enrolled before the kill (about a third live on the killed primary) until the cluster has healed.
        var verdicts = new List<(string Outcome, TimeSpan Took)>();
        var healed = Task.Run(() => _cluster.WaitUntilHealthy(TimeSpan.FromSeconds(60)));
        var n = 0;
        while (!healed.IsCompleted || n < 40)
        {
            var (id, seed) = before[n++ % before.Length];
            var request = new VerifyRequest { Claim = new Claim { SubjectId = id }, Probe = Vectors.Probe(Vectors.Near(Vectors.Random(seed), 9, 0.2f)) };
            var sw = Stopwatch.StartNew();
            string outcome;
            try
            {
                var verdict = await _matcher.Matcher.VerifyAsync(request, _matcher.As("gate", Deadline)).ResponseAsync;
                outcome = verdict.Decision == Decision.Refer ? "REFER:" + verdict.Reason : verdict.Decision.ToString();
            }
            catch (RpcException ex)
            {
                outcome = ex.StatusCode.ToString();
            }

            verdicts.Add((outcome, sw.Elapsed));
            if (n > 2000) break;
        }

        await healed;
        await WaitUntil(() => acknowledged.Count >= before.Length + 60, TimeSpan.FromSeconds(120));
        stop.Cancel();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));

        output.WriteLine($"killed primary 127.0.0.1:{killed.Port}; enrolments acknowledged {acknowledged.Count}, failed {enrolFailures.Count} "
            + $"({string.Join(", ", enrolFailures.GroupBy(s => s).Select(g => $"{g.Key} {g.Count()}"))}); Verify outcomes during the failover: "
            + string.Join(", ", verdicts.GroupBy(v => v.Outcome).Select(g => $"{g.Key} {g.Count()} (max {g.Max(v => v.Took.TotalMilliseconds):F0} ms)")));
        Assert.False(killed.IsRunning);
        Assert.All(verdicts, v =>
        {
            Assert.True(v.Outcome is "Accept" or "REFER:store_unavailable" or "Unavailable" or "DeadlineExceeded", $"unexpected outcome {v.Outcome}");
            // Within the deadline (plus scheduling slack on a shared 2-core machine), never hanging.
            Assert.True(v.Took < TimeSpan.FromSeconds(Deadline + 1.5), $"a Verify took {v.Took.TotalMilliseconds:F0} ms ({v.Outcome})");
        });
        Assert.All(enrolFailures, s => Assert.True(s is StatusCode.Unavailable or StatusCode.DeadlineExceeded, $"enrolment failed with {s}"));

        // Every acknowledged enrolment (with a replica's acknowledgement) is readable after the failover.
        foreach (var (id, seed) in acknowledged)
        {
            var request = new VerifyRequest { Claim = new Claim { SubjectId = id }, Probe = Vectors.Probe(Vectors.Near(Vectors.Random(seed), 9, 0.2f)) };
            var verdict = await _matcher.Matcher.VerifyAsync(request, _matcher.As("gate", 10)).ResponseAsync;
            Assert.True(verdict.Decision == Decision.Accept, $"acknowledged enrolment {id}: {verdict.Decision} {verdict.Reason}");
        }
    }

    /// <summary>
    /// The enrolment stall after a Redis failover (docs/SCALING.md, "Proofs"): a reservation whose <c>SET NX</c> ran on
    /// Redis but whose answer the attempt did not get in time (there it waited behind a replica <c>WAIT</c> on the write
    /// connection; here its primary holds writes with <c>CLIENT PAUSE WRITE</c>) was never released, and every retry of
    /// the request waited silently for it to lapse, 2 x EnrolmentLeaseMs (120 s). Now the failed attempt drops it.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Enrol_ReservationAnswerLost_FailsUnavailableAndRetryIsEnrolled(bool stream)
    {
        const string desk = "desk-lost-answer";
        var store = _matcher.Services.GetRequiredService<ITemplateStore>();
        var token = DevelopmentKeys.Ensure(_keys.Path).CreateTokenIssuer().Issue(desk, ServiceRole.Enrolment, TimeSpan.FromHours(1));
        CallOptions Desk(double seconds) => new(new Metadata { { "authorization", "Bearer " + token } }, DateTime.UtcNow.AddSeconds(seconds));
        Task<EnrolResponse> EnrolAsync(EnrolRequest r, double seconds) => stream ? _matcher.EnrolOnStreamAsync(r, Desk(seconds)) : _matcher.Enrolment.EnrolAsync(r, Desk(seconds)).ResponseAsync;
        static EnrolRequest Request(string id, string subject, int seed) =>
            new() { RequestId = id, SubjectId = subject, Template = Vectors.Embedding(Vectors.Random(seed)) };

        // Warm-up: connections to every primary, scripts loaded.
        Assert.Equal(EnrolStatus.Enrolled, (await EnrolAsync(Request("warm-up", "warm-up", 1), 60)).Status);

        // A request whose record lives on another primary than its subject's index (docs/REDIS.md, "Enrolment requests"),
        // so that only the reservation's SET waits.
        const string subject = "lost-answer";
        var indexNode = _cluster.PrimaryOf("{" + (Convert.ToInt32(store.GetSubjectKey(subject).Hex[..2], 16) >> 2) + "}");
        string requestId, key;
        RedisServer recordNode;
        var n = 0;
        do
        {
            requestId = "lost-" + n++;
            key = "bio:idem:" + store.GetRequestPseudonym("enrolment:" + desk + "\n" + requestId);
            recordNode = _cluster.PrimaryOf(key);
        }
        while (recordNode == indexNode);

        // The record's primary holds writes far beyond the store's deadline (500 ms): the attempt fails UNAVAILABLE, its
        // SET runs when the primary resumes.
        RedisCluster.Command(recordNode, "CLIENT", "PAUSE", "30000", "WRITE");
        RpcException failed;
        try
        {
            failed = await Assert.ThrowsAsync<RpcException>(() => EnrolAsync(Request(requestId, subject, 2), 15));
        }
        finally
        {
            RedisCluster.Command(recordNode, "CLIENT", "UNPAUSE");
        }

        Assert.Equal(StatusCode.Unavailable, failed.StatusCode);
        // The failed attempt's reservation does not outlive it (it stayed 120 s), and a retry of the request is enrolled
        // (it waited for the reservation: DEADLINE_EXCEEDED, or silence on a stream without a deadline).
        await WaitUntil(() => RedisCluster.Command(recordNode, "EXISTS", key).Trim() == "0", TimeSpan.FromSeconds(20), pollMs: 200);
        var retry = await EnrolAsync(Request(requestId, subject, 2), 30);
        Assert.Equal((EnrolStatus.Enrolled, false), (retry.Status, retry.Replayed));
    }


    private static async Task WaitUntil(Func<bool> condition, TimeSpan limit, int pollMs = 20)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(pollMs);
        }
    }
}
