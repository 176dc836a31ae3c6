using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Biometrics.Protos.V1;
using Biometrics.Testing;
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
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "biometrics-failover-keys-" + Guid.NewGuid().ToString("N")[..8]);
    private RedisCluster _cluster = null!;
    private MatcherInstance _matcher = null!;

    public async Task InitializeAsync()
    {
        _cluster = new RedisCluster();
        _matcher = await MatcherInstance.StartAsync(_cluster.Configuration, _keys, pipeline: false, new Dictionary<string, string?>
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
        try
        {
            Directory.Delete(_keys, recursive: true);
        }
        catch (IOException)
        {
        }
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

    private static async Task WaitUntil(Func<bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(20);
        }
    }
}
