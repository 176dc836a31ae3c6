using Biometrics.Matcher.Store;
using Biometrics.Testing;

namespace Biometrics.Matcher.Core.Tests.Store;

/// <summary>The in-memory store keeps the store's contract (docs/REDIS.md): versions, erasure, the change feed, expiry.</summary>
public sealed class InMemoryTemplateStoreTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly ManualClock _clock = new();
    private readonly InMemoryTemplateStore _store;

    public InMemoryTemplateStoreTests() => _store = new InMemoryTemplateStore(_clock);

    private static TemplateRecord Record(string id, params string[] galleries) =>
        new(id, new float[] { 1, 0 }, "m", 0.9f, DateTimeOffset.UnixEpoch, galleries);

    [Fact]
    public async Task UpsertAsync_ReEnrolment_RaisesTheVersion()
    {
        Assert.Equal(1, (await _store.UpsertAsync(Record("a"))).Version);
        Assert.Equal(2, (await _store.UpsertAsync(Record("a", "residents"))).Version);
        var t = await _store.GetAsync("a");
        Assert.Equal((2L, "a"), (t!.Version, t.SubjectId));
        Assert.Equal(["residents"], await _store.GetGalleriesAsync());
    }

    [Fact]
    public async Task GetAsync_OtherModelRequired_ThrowsModelMismatch()
    {
        await _store.UpsertAsync(Record("a"));
        await Assert.ThrowsAsync<TemplateModelMismatchException>(() => _store.GetAsync("a", "other"));
    }

    [Fact]
    public async Task FollowAsync_FromASnapshot_DeliversLaterChangesInOrder()
    {
        await _store.UpsertAsync(Record("a", "g"));
        var snapshot = await _store.LoadSnapshotAsync(_ => { });
        using var cts = new CancellationTokenSource(Bound);
        await using var changes = _store.FollowAsync(snapshot.Position, cts.Token).GetAsyncEnumerator(cts.Token);
        var next = changes.MoveNextAsync().AsTask();
        await _store.UpsertAsync(Record("b", "g"));
        await _store.DeleteAsync("a");
        Assert.True(await next);
        Assert.Equal((TemplateChangeKind.Upsert, "b"), (changes.Current.Kind, changes.Current.Template!.SubjectId));
        Assert.True(await changes.MoveNextAsync());
        Assert.Equal((TemplateChangeKind.Delete, _store.GetSubjectKey("a")), (changes.Current.Kind, changes.Current.SubjectKey));
        Assert.Equal(["b"], (await _store.GetGalleryMembersAsync("g")).Select(k => k == _store.GetSubjectKey("b") ? "b" : "?"));
    }

    [Fact]
    public async Task DeleteAsync_BlanksTheSubjectsRequestRecords()
    {
        var key = _store.GetSubjectKey("a");
        Assert.Equal(RequestState.Reserved, (await _store.ReserveRequestAsync("desk:1", key, "x", TimeSpan.FromMinutes(1))).State);
        Assert.Equal(RequestState.InProgress, (await _store.ReserveRequestAsync("desk:1", key, "y", TimeSpan.FromMinutes(1))).State);
        Assert.True(await _store.CompleteRequestAsync("desk:1", key, "x", new byte[] { 7 }));
        Assert.Equal([7], (await _store.ReserveRequestAsync("desk:1", key, "z", TimeSpan.FromMinutes(1))).Result);
        Assert.False(await _store.DeleteAsync("a"));
        Assert.Equal(RequestState.Erased, (await _store.ReserveRequestAsync("desk:1", key, "z", TimeSpan.FromMinutes(1))).State);
    }

    [Fact]
    public async Task ReserveRequestAsync_LeasePassed_TakenOverAndTheOldAttemptRefused()
    {
        var key = _store.GetSubjectKey("a");
        var lease = TimeSpan.FromMinutes(1);
        Assert.Equal(RequestState.Reserved, (await _store.ReserveRequestAsync("desk:1", key, "x", lease)).State);
        _clock.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(new RequestRecord(RequestState.InProgress, key, null, TimeSpan.FromSeconds(15)), await _store.ReserveRequestAsync("desk:1", key, "y", lease));
        // Another subject under the same id is never taken over, lease or not.
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(new RequestRecord(RequestState.InProgress, key, null), await _store.ReserveRequestAsync("desk:1", _store.GetSubjectKey("b"), "y", lease));

        Assert.Equal(RequestState.TakenOver, (await _store.ReserveRequestAsync("desk:1", key, "y", lease)).State);
        Assert.False(await _store.CompleteRequestAsync("desk:1", key, "x", new byte[] { 1 }));
        await _store.ReleaseRequestAsync("desk:1", key, "x");
        Assert.Equal(RequestState.InProgress, (await _store.ReserveRequestAsync("desk:1", key, "z", lease)).State);
        Assert.True(await _store.CompleteRequestAsync("desk:1", key, "y", new byte[] { 2 }));
        Assert.Equal([2], (await _store.ReserveRequestAsync("desk:1", key, "z", lease)).Result);
    }

    [Fact]
    public async Task TryConsumeNonceAsync_ReplayWithinTtlRefused_AfterTtlAccepted()
    {
        Assert.True(await _store.TryConsumeNonceAsync("n", TimeSpan.FromMinutes(1)));
        Assert.False(await _store.TryConsumeNonceAsync("n", TimeSpan.FromMinutes(1)));
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await _store.TryConsumeNonceAsync("n", TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Calls_WhenUnavailable_FailAsAStoreThatIsDown()
    {
        _store.Available = false;
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => _store.GetAsync("a"));
        Assert.True(_store.IsUnavailable(ex));
    }
}
