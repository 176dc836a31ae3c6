using Biometrics.Matcher.Services;
using static Biometrics.Matcher.Store.IntegrationTests.StoreTestSupport;

namespace Biometrics.Matcher.Store.IntegrationTests;

/// <summary>
/// The snapshot of one part of split galleries (docs/SCALING.md, "Split galleries"): a matcher of part p of 3 reads the
/// templates of its bucket range and, from the other buckets, only the members of the whole galleries (the watchlist).
/// Run against one redis-server and against a Redis Cluster.
/// </summary>
public abstract class PartSnapshotTests(IRedisTarget target)
{
    [Fact]
    public async Task LoadSnapshotPartRows_EachPartOfThree_ItsBucketsAndTheWholeWatchlistEachOnce()
    {
        await using var mux = await ConnectAsync(target);
        using var store = new RedisTemplateStore(mux, Options());
        const int count = 3_000;
        var records = Enumerable.Range(0, count).Select(i => Record($"P{i}", i, galleries: i % 10 == 0 ? ["residents", "watchlist"] : ["residents"])).ToList();
        await store.UpsertManyAsync(records).WaitAsync(Limit);
        // Deleted subjects are in no part, also not when the watchlist named them.
        foreach (var i in new[] { 0, 7, 10, 2_990 }) Assert.True(await store.DeleteAsync($"P{i}").WaitAsync(Limit));
        var live = Enumerable.Range(0, count).Where(i => i is not (0 or 7 or 10 or 2_990)).ToDictionary(i => store.GetSubjectKey($"P{i}"), i => records[i]);
        var whole = await store.LoadSnapshotRowsAsync((in SnapshotTemplate _) => { }).WaitAsync(Limit);

        var residents = 0;
        for (var p = 0; p < 3; p++)
        {
            var partition = new GalleryPartition(3, p, ["watchlist"]);
            var rows = new Dictionary<SubjectKey, (float[] Vector, string[] Galleries)>();
            var snapshot = await store.LoadSnapshotPartRowsAsync(partition.SnapshotPart, (in SnapshotTemplate t) =>
                Assert.True(rows.TryAdd(t.SubjectKey, (t.Vector.ToArray(), t.Galleries)), $"{t.SubjectKey} delivered twice")).WaitAsync(Limit);

            var expected = live.Where(kv => partition.PartOf(kv.Key) == p || kv.Value.Galleries.Contains("watchlist")).Select(kv => kv.Key.Hex).Order().ToList();
            Assert.Equal(expected, rows.Keys.Select(k => k.Hex).Order());
            Assert.Equal(new TemplateSnapshot(whole.Position, expected.Count, 0), snapshot);
            foreach (var (key, row) in rows)
            {
                Assert.Equal(live[key].Galleries, row.Galleries);
                Assert.Equal(live[key].Vector.ToArray(), row.Vector);
            }

            residents += rows.Keys.Count(k => partition.PartOf(k) == p);
        }

        Assert.Equal(live.Count, residents); // the parts cover every subject once
    }

    [Fact]
    public async Task FollowPart_OtherPartsSubjects_SkippedUnfetchedUnlessOnTheWatchlistOrHeld()
    {
        await using var mux = await ConnectAsync(target);
        using var store = new RedisTemplateStore(mux, Options());
        var from = await store.GetLatestPositionAsync().WaitAsync(Limit);
        var partition = new GalleryPartition(3, 0, ["watchlist"]);
        var records = Enumerable.Range(0, 90).Select(i => Record($"F{i}", i, galleries: i % 10 == 0 ? ["residents", "watchlist"] : ["residents"])).ToList();
        var keys = records.Select(r => store.GetSubjectKey(r.SubjectId)).ToList();
        // One subject of another part that this matcher still holds (on the watchlist until this upsert took it off).
        var held = keys.First(k => partition.PartOf(k) != 0 && !records[keys.IndexOf(k)].Galleries.Contains("watchlist"));
        var erased = keys.Last(k => partition.PartOf(k) != 0 && k != held && !records[keys.IndexOf(k)].Galleries.Contains("watchlist"));
        await store.UpsertManyAsync(records).WaitAsync(Limit);
        Assert.True(await store.DeleteAsync(records[keys.IndexOf(erased)].SubjectId).WaitAsync(Limit));

        var changes = new List<TemplateChange>();
        using var cts = new CancellationTokenSource(Limit);
        await foreach (var change in store.FollowPartAsync(from, partition.SnapshotPart, k => k == held, cts.Token))
        {
            changes.Add(change);
            if (changes.Count == records.Count + 1) break;
        }

        for (var i = 0; i < records.Count; i++)
        {
            var change = changes.Single(c => c.SubjectKey == keys[i] && c.Kind != TemplateChangeKind.Delete);
            var fetched = partition.PartOf(keys[i]) == 0 || records[i].Galleries.Contains("watchlist") || keys[i] == held;
            Assert.Equal(fetched ? TemplateChangeKind.Upsert : TemplateChangeKind.Skipped, change.Kind);
            Assert.Equal(fetched ? records[i].Vector.ToArray() : null, change.Template?.Vector);
        }

        // The erasure reaches every matcher, whatever its part.
        Assert.Equal(erased, changes.Single(c => c.Kind == TemplateChangeKind.Delete).SubjectKey);
        Assert.InRange(changes.Count(c => c.Kind == TemplateChangeKind.Skipped), 35, 70); // about 2/3 of the 81 on the residents only
    }
}

[Collection(StoreCollection.Name)]
public sealed class PartSnapshotTestsOnServer(StoreServerFixture fixture) : PartSnapshotTests(fixture);

[Collection(StoreClusterCollection.Name)]
public sealed class PartSnapshotTestsOnCluster(StoreClusterFixture fixture) : PartSnapshotTests(fixture);
