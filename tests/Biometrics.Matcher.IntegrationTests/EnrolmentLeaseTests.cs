using System.Diagnostics;
using Biometrics.Matcher.Grpc;
using Biometrics.Matcher.Hosting;
using Biometrics.Matcher.Security;
using Biometrics.Matcher.Store;
using Biometrics.Protos.V1;
using Biometrics.Testing;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>
/// A retry of an enrolment request that meets the reservation of another attempt (docs/MATCHER.md, "Enrolment requests"):
/// while that attempt's lease runs, the retry is answered ABORTED <c>enrolment_in_progress</c> within a short bound, not
/// at its own deadline; once the lease has passed (the attempt's matcher crashed), the retry takes the request over at
/// once and the old attempt can neither complete nor drop it. Its own redis-server and matcher (embeddings only,
/// <c>Matching:EnrolmentLeaseMs</c> 4 s); the other attempt is made through the matcher's own store.
/// </summary>
public sealed class EnrolmentLeaseTests : IAsyncLifetime
{
    private const string Desk = "desk-lease";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(4);
    private readonly TempFolder _keys = new("biometrics-lease-keys-");
    private RedisServer _redis = null!;
    private MatcherInstance _matcher = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _redis = new RedisServer();
        _matcher = await MatcherInstance.StartAsync(_redis.EndPoint, _keys.Path, pipeline: false, new Dictionary<string, string?>
        {
            ["Matcher:Matching:EnrolmentLeaseMs"] = ((int)Lease.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        _token = DevelopmentKeys.Ensure(_keys.Path).CreateTokenIssuer().Issue(Desk, ServiceRole.Enrolment, TimeSpan.FromHours(1));
        // Warm-up: connections, scripts, the enrolment path compiled.
        Assert.Equal(EnrolStatus.Enrolled, (await EnrolAsync(Request("warm-up", "warm-up", 1), stream: false, 60)).Status);
        Assert.Equal(EnrolStatus.Enrolled, (await EnrolAsync(Request("warm-up-stream", "warm-up", 1), stream: true, 60)).Status);
    }

    public async Task DisposeAsync()
    {
        if (_matcher is not null) await _matcher.DisposeAsync();
        _redis?.Dispose();
        _keys.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Enrol_RequestHeldByALiveAttempt_AbortedEnrolmentInProgressWithinTheBound(bool stream)
    {
        var requestId = "held-" + stream;
        await HoldAsync(requestId, "held-subject", "live-attempt", TimeSpan.FromMinutes(1));

        // Before, the retry waited for the other attempt's answer until its own deadline (30 s here): DEADLINE_EXCEEDED.
        var clock = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<RpcException>(() => EnrolAsync(Request(requestId, "held-subject", 2), stream, 30));
        var took = clock.Elapsed;
        Assert.Equal(StatusCode.Aborted, refused.StatusCode);
        Assert.Equal("enrolment_in_progress", refused.Trailers.GetValue(RpcErrors.ReasonKey));
        Assert.StartsWith("enrolment_in_progress: Another attempt with this request_id is still working on it (its lease ends within ", refused.Status.Detail, StringComparison.Ordinal);
        // About 2 s (the service's wait for the other attempt); margins for a loaded 2-core machine.
        Assert.True(took < TimeSpan.FromSeconds(12), $"answered after {took}");
    }

    [Fact]
    public async Task Enrol_AttemptCrashedHoldingTheRequest_RetryTakesOverOnceItsLeasePassedAndTheOldAttemptIsRefused()
    {
        const string requestId = "crashed-1";
        var subject = await HoldAsync(requestId, "crashed-subject", "crashed-attempt", Lease);
        var held = Stopwatch.StartNew();

        // The desk retries with a back-off while the crashed attempt's lease runs, then is enrolled: before the reservation
        // would have lapsed (twice the lease), and not replayed (nothing was stored for the crashed attempt).
        EnrolResponse? enrolled = null;
        var aborted = 0;
        while (enrolled is null)
        {
            try
            {
                enrolled = await EnrolAsync(Request(requestId, "crashed-subject", 3), stream: false, 30);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Aborted)
            {
                aborted++;
                Assert.True(held.Elapsed < 2 * Lease, $"still ABORTED {held.Elapsed} after the reservation");
                await Task.Delay(200);
            }
        }

        Assert.True(aborted >= 1, "the first retry, within the lease, was not answered ABORTED");
        Assert.Equal((EnrolStatus.Enrolled, false), (enrolled.Status, enrolled.Replayed));
        Assert.True(held.Elapsed < 2 * Lease, $"enrolled {held.Elapsed} after the reservation, no sooner than its lapse");

        // The crashed attempt, back, can neither complete nor drop the request; a resend replays the retry's answer.
        var store = _matcher.Services.GetRequiredService<ITemplateStore>();
        Assert.False(await store.CompleteRequestAsync(RequestKey(requestId), subject, "crashed-attempt", "late"u8.ToArray()).WaitAsync(TimeSpan.FromSeconds(30)));
        await store.ReleaseRequestAsync(RequestKey(requestId), subject, "crashed-attempt").WaitAsync(TimeSpan.FromSeconds(30));
        var again = await EnrolAsync(Request(requestId, "crashed-subject", 3), stream: true, 30);
        Assert.Equal((EnrolStatus.Enrolled, true, enrolled.Version), (again.Status, again.Replayed, again.Version));
    }

    private static string RequestKey(string requestId) => "enrolment:" + Desk + "\n" + requestId;

    /// <summary>Reserves a request as another attempt (another matcher) would, through the matcher's own store.</summary>
    private async Task<SubjectKey> HoldAsync(string requestId, string subjectId, string attempt, TimeSpan lease)
    {
        var store = _matcher.Services.GetRequiredService<ITemplateStore>();
        var subject = store.GetSubjectKey(subjectId);
        var record = await store.ReserveRequestAsync(RequestKey(requestId), subject, attempt, lease).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(RequestState.Reserved, record.State);
        return subject;
    }

    private static EnrolRequest Request(string id, string subject, int seed) =>
        new() { RequestId = id, SubjectId = subject, Template = Vectors.Embedding(Vectors.Random(seed)) };

    private async Task<EnrolResponse> EnrolAsync(EnrolRequest request, bool stream, double seconds)
    {
        var options = new CallOptions(new Metadata { { "authorization", "Bearer " + _token } }, DateTime.UtcNow.AddSeconds(seconds));
        return stream ? await _matcher.EnrolOnStreamAsync(request, options) : await _matcher.Enrolment.EnrolAsync(request, options).ResponseAsync;
    }
}
