using StackExchange.Redis;
using System.Runtime.InteropServices;
using static Biometrics.Matcher.Store.IntegrationTests.StoreTestSupport;

namespace Biometrics.Matcher.Store.IntegrationTests;

/// <summary>Run against one redis-server and against a Redis Cluster (the sealed classes at the end).</summary>
public abstract class SnapshotTests(IRedisTarget target)
{
    [Fact]
    public async Task LoadSnapshot_TwentyThousandWrittenReenrolledAndDeleted_EqualsStoreBitExact()
    {
        await using var mux = await ConnectAsync(target);
        using var store = new RedisTemplateStore(mux, Options());
        const int count = 20_000;
        var records = Enumerable.Range(0, count).Select(i => Record($"S{i}", i, galleries: i % 3 == 0 ? ["residents", "watchlist"] : ["residents"])).ToList();
        await store.UpsertManyAsync(records).WaitAsync(Limit);

        // Every 10th subject re-enrolled with another vector (version 2), every 7th deleted.
        var expected = records.ToDictionary(r => store.GetSubjectKey(r.SubjectId), r => (Record: r, Version: 1L));
        var reenrolled = Enumerable.Range(0, count).Where(i => i % 10 == 0).Select(i => Record($"S{i}", count + i)).ToList();
        await store.UpsertManyAsync(reenrolled).WaitAsync(Limit);
        foreach (var r in reenrolled) expected[store.GetSubjectKey(r.SubjectId)] = (r, 2);
        foreach (var i in Enumerable.Range(0, count).Where(i => i % 7 == 0))
        {
            Assert.True(await store.DeleteAsync($"S{i}").WaitAsync(Limit));
            expected.Remove(store.GetSubjectKey($"S{i}"));
        }

        var loaded = new Dictionary<SubjectKey, StoredTemplate>();
        var snapshot = await store.LoadSnapshotAsync(t => Assert.True(loaded.TryAdd(t.SubjectKey, t), $"{t.SubjectKey} delivered twice")).WaitAsync(Limit);

        Assert.Equal(0, snapshot.Rejected);
        Assert.Equal(expected.Count, snapshot.Loaded);
        Assert.Equal(expected.Keys.Select(k => k.Hex).Order(), loaded.Keys.Select(k => k.Hex).Order());
        Assert.Equal(await store.GetLatestPositionAsync().WaitAsync(Limit), snapshot.Position);
        foreach (var (key, (record, version)) in expected)
        {
            var t = loaded[key];
            Assert.Equal(record.SubjectId, t.SubjectId);
            Assert.Equal(version, t.Version);
            Assert.Equal(record.ModelId, t.ModelId);
            Assert.Equal(record.Galleries, t.Galleries);
            Assert.True(
                MemoryMarshal.AsBytes(record.Vector.Span).SequenceEqual(MemoryMarshal.AsBytes(t.Vector.AsSpan())),
                $"the vector of {record.SubjectId} is not bit-exact");
        }

        // The bulk path of a start delivers the same templates (views, shared gallery lists) and the same position.
        var rows = new Dictionary<SubjectKey, (float[] Vector, string ModelId, string[] Galleries)>();
        var rowSnapshot = await store.LoadSnapshotRowsAsync((in SnapshotTemplate t) =>
            Assert.True(rows.TryAdd(t.SubjectKey, (t.Vector.ToArray(), t.ModelId, t.Galleries)), $"{t.SubjectKey} delivered twice")).WaitAsync(Limit);
        Assert.Equal(snapshot, rowSnapshot);
        Assert.Equal(expected.Count, rows.Count);
        foreach (var (key, (record, _)) in expected)
        {
            var r = rows[key];
            Assert.Equal(record.ModelId, r.ModelId);
            Assert.Equal(record.Galleries, r.Galleries);
            Assert.True(MemoryMarshal.AsBytes(record.Vector.Span).SequenceEqual(MemoryMarshal.AsBytes(r.Vector.AsSpan())),
                $"the bulk path's vector of {record.SubjectId} is not bit-exact");
        }

        // The snapshot agrees with the 1:1 read path (same version and change id).
        foreach (var i in new[] { 1, 10, 19_998 })
        {
            var one = await store.GetAsync($"S{i}").WaitAsync(Limit);
            var key = store.GetSubjectKey($"S{i}");
            Assert.Equal(one!.Version, loaded[key].Version);
            Assert.Equal(one.ChangeId, loaded[key].ChangeId);
        }
    }

    [Fact]
    public async Task LoadSnapshot_EmptyStore_LoadsNothingFromStart()
    {
        await using var mux = await ConnectAsync(target);
        using var store = new RedisTemplateStore(mux, Options());
        var snapshot = await store.LoadSnapshotAsync(_ => Assert.Fail("nothing is stored")).WaitAsync(Limit);
        Assert.Equal(new TemplateSnapshot(ChangeStreamPosition.Start, 0, 0), snapshot);
        snapshot = await store.LoadSnapshotRowsAsync((in SnapshotTemplate _) => Assert.Fail("nothing is stored")).WaitAsync(Limit);
        Assert.Equal(new TemplateSnapshot(ChangeStreamPosition.Start, 0, 0), snapshot);
    }

    [Fact]
    public async Task RebuildSnapshotBuckets_RecordsWithoutBucketEntries_SnapshotFindsThemAgain()
    {
        await using var mux = await ConnectAsync(target);
        var options = Options();
        using var store = new RedisTemplateStore(mux, options);
        await store.UpsertManyAsync(Enumerable.Range(0, 50).Select(i => Record($"M{i}", i)).ToList()).WaitAsync(Limit);
        // Simulate data written before the buckets existed.
        var db = mux.GetDatabase();
        for (var b = 0; b < 16_384; b += 256)
        {
            // A shard's 256 buckets share one hash slot, so one DEL may name them all (in a cluster too).
            await db.KeyDeleteAsync([.. Enumerable.Range(b, 256).Select(n => (RedisKey)BucketKey(options, n))]).WaitAsync(Limit);
        }

        Assert.Equal(0, (await store.LoadSnapshotAsync(_ => { }).WaitAsync(Limit)).Loaded);
        Assert.Equal(50, await store.RebuildSnapshotBucketsAsync().WaitAsync(Limit));
        var loaded = new List<StoredTemplate>();
        var snapshot = await store.LoadSnapshotAsync(loaded.Add).WaitAsync(Limit);
        Assert.Equal(50, snapshot.Loaded);
        Assert.Equal(Vector(7), loaded.Single(t => t.SubjectId == "M7").Vector);
    }
}

[Collection(StoreCollection.Name)]
public sealed class SnapshotTestsOnServer(StoreServerFixture fixture) : SnapshotTests(fixture);

[Collection(StoreClusterCollection.Name)]
public sealed class SnapshotTestsOnCluster(StoreClusterFixture fixture) : SnapshotTests(fixture);
