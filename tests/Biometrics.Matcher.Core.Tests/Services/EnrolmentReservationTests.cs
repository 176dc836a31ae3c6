using Biometrics.Matcher.Services;

namespace Biometrics.Matcher.Core.Tests.Services;

/// <summary>
/// A request id's reservation when the store goes away in the middle of an attempt (a Redis failover): the retry with the
/// same id must be answered once the store is back, not after the reservation's two minutes (docs/SCALING.md, "Proofs").
/// </summary>
public sealed class EnrolmentReservationTests
{
    [Fact]
    public async Task Enrol_StoreDownMidAttempt_RetryWithTheSameRequestIdIsEnrolledOnceTheStoreIsBack()
    {
        var embedder = new GatedEmbedder();
        await using var d = new DomainServices(pipeline: embedder);
        var service = new EnrolmentService(d.Store, d.Faces, d.Audit, d.Options);
        var command = new EnrolCommand("req-1", "traveller-1", [new byte[] { 1, 2, 3 }], null, ["residents"], "desk-1");

        // The attempt reserves the request id, then the store goes down while the face is embedded.
        var first = service.EnrolAsync(command, CancellationToken.None);
        await embedder.Started.Task.WaitAsync(DomainServices.Bound);
        d.Store.Available = false;
        embedder.Finish();
        var failed = await Assert.ThrowsAsync<MatcherException>(() => first).WaitAsync(DomainServices.Bound);
        Assert.Equal(MatcherErrorKind.Unavailable, failed.Kind);

        // Back: the dead attempt's reservation (2 x EnrolmentLeaseMs = 120 s) must not hold the retry.
        d.Store.Available = true;
        Assert.Equal(60_000, d.Options.EnrolmentLeaseMs);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var retry = await service.EnrolAsync(command, bound.Token);

        Assert.Equal(EnrolStatus.Enrolled, retry.Status);
        Assert.False(retry.Replayed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Enrol_RequestHeldByALiveAttempt_AnsweredAbortedWithinTheBoundNotAtTheDeadline(bool many)
    {
        await using var d = new DomainServices();
        var service = new EnrolmentService(d.Store, d.Faces, d.Audit, d.Options);
        var command = new EnrolCommand("req-held", "traveller-2", [], DomainServices.Probe(2), ["residents"], "desk-1");
        // Another attempt (another matcher, say) holds the request id, its lease running.
        await d.Store.ReserveRequestAsync("desk-1\nreq-held", d.Store.GetSubjectKey("traveller-2"), "other-attempt", TimeSpan.FromMinutes(1));

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<MatcherException>(() => many ? service.EnrolManyAsync([command], deadline.Token) : service.EnrolAsync(command, deadline.Token));
        Assert.Equal((MatcherErrorKind.Aborted, "enrolment_in_progress"), (refused.Kind, refused.Reason));
        Assert.Contains("its lease ends within ", refused.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Enrol_RequestHeldByAnAttemptWhoseLeasePassed_TakenOverAndEnrolled()
    {
        await using var d = new DomainServices();
        var service = new EnrolmentService(d.Store, d.Faces, d.Audit, d.Options);
        var command = new EnrolCommand("req-crashed", "traveller-3", [], DomainServices.Probe(3), ["residents"], "desk-1");
        var subject = d.Store.GetSubjectKey("traveller-3");
        await d.Store.ReserveRequestAsync("desk-1\nreq-crashed", subject, "crashed-attempt", TimeSpan.FromMilliseconds(1));
        await Task.Delay(50);

        var retry = await service.EnrolAsync(command, CancellationToken.None).WaitAsync(DomainServices.Bound);
        Assert.Equal((EnrolStatus.Enrolled, false), (retry.Status, retry.Replayed));
        // The crashed attempt, back, can neither complete nor drop the request; a resend replays the retry's answer.
        Assert.False(await d.Store.CompleteRequestAsync("desk-1\nreq-crashed", subject, "crashed-attempt", new byte[] { 1 }));
        await d.Store.ReleaseRequestAsync("desk-1\nreq-crashed", subject, "crashed-attempt");
        var again = await service.EnrolAsync(command, CancellationToken.None).WaitAsync(DomainServices.Bound);
        Assert.Equal((EnrolStatus.Enrolled, true, retry.Version), (again.Status, again.Replayed, again.Version));
    }

    /// <summary>A face pipeline whose first image waits until the test lets it finish; later images are answered at once.</summary>
    private sealed class GatedEmbedder : IFaceEmbedder
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string ModelId => DomainServices.Model;

        public void Finish() => _gate.TrySetResult();

        public async Task<FaceVector?> EmbedAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            await _gate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new FaceVector(DomainServices.Axis(1), DomainServices.Model, DomainServices.Good, DetectionScore: 0.99f);
        }
    }
}
