using System.Collections.Concurrent;
using static Biometrics.Matcher.Store.IntegrationTests.StoreTestSupport;

namespace Biometrics.Matcher.Store.IntegrationTests;

/// <summary>Run against one redis-server and against a Redis Cluster (the sealed classes at the end).</summary>
public abstract class ReplicaConvergenceTests(IRedisTarget target)
{
    private static readonly string[] s_galleries = ["residents", "watchlist", "staff"];

    [Fact]
    public async Task SnapshotThenFollow_ConcurrentUpsertsAndDeletes_ReplicaEndsWithStoreGalleries()
    {
        await using var mux = await ConnectAsync(target);
        var options = Options();
        options.BulkBatchSize = 16;
        using var store = new RedisTemplateStore(mux, options);
        await store.UpsertManyAsync(Enumerable.Range(0, 300).Select(i => Record($"R{i}", i, galleries: Galleries(i))).ToList()).WaitAsync(Limit);

        // Writers keep changing the store while the replica takes its snapshot and starts following.
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var rng = new Random(w);
            for (var op = 0; op < 150; op++)
            {
                var n = rng.Next(400);
                switch (rng.Next(4))
                {
                    case 0: await store.DeleteAsync($"R{n}"); break;
                    case 1: await store.UpsertManyAsync([Record($"R{n}", rng.Next(), galleries: Galleries(rng.Next())), Record($"R{rng.Next(400)}", rng.Next(), galleries: Galleries(rng.Next()))]); break;
                    default: await store.UpsertAsync(Record($"R{n}", rng.Next(), galleries: Galleries(rng.Next()))); break;
                }
            }
        })).ToArray();

        var replica = new ConcurrentDictionary<SubjectKey, StoredTemplate>();
        var snapshot = await store.LoadSnapshotAsync(t => replica[t.SubjectKey] = t).WaitAsync(Limit);
        Assert.Equal(0, snapshot.Rejected);
        using var cts = new CancellationTokenSource();
        var applied = snapshot.Position.Id;
        var follower = Task.Run(async () =>
        {
            await foreach (var change in store.FollowAsync(snapshot.Position, cts.Token))
            {
                if (change.Kind == TemplateChangeKind.Delete) replica.TryRemove(change.SubjectKey, out _);
                else replica[change.SubjectKey] = change.Template!;
                Volatile.Write(ref applied, change.Position.Id);
            }
        });

        await Task.WhenAll(writers).WaitAsync(Limit);
        var end = await store.GetLatestPositionAsync().WaitAsync(Limit);
        var deadline = DateTime.UtcNow + Limit;
        while (!RedisTemplateStore.Covers(new ChangeStreamPosition(Volatile.Read(ref applied)), end))
        {
            Assert.False(follower.IsCompleted, follower.Exception?.ToString());
            Assert.True(DateTime.UtcNow < deadline, "the replica did not catch up");
            await Task.Delay(20);
        }

        cts.Cancel();
        await follower.WaitAsync(Limit);

        foreach (var gallery in await store.GetGalleriesAsync().WaitAsync(Limit))
        {
            var expected = (await store.GetGalleryMembersAsync(gallery).WaitAsync(Limit)).Select(k => k.Hex).Order().ToList();
            var actual = replica.Values.Where(t => t.Galleries.Contains(gallery)).Select(t => t.SubjectKey.Hex).Order().ToList();
            Assert.Equal(expected, actual);
        }

        var stored = new Dictionary<SubjectKey, StoredTemplate>();
        await store.LoadSnapshotAsync(t => stored[t.SubjectKey] = t).WaitAsync(Limit);
        Assert.Equal(stored.Count, replica.Count);
        foreach (var (key, template) in stored)
        {
            Assert.Equal(template.Version, replica[key].Version);
            Assert.Equal(template.Vector, replica[key].Vector);
        }
    }

    [Fact]
    public async Task Follow_PositionTrimmedAway_ThrowsStreamGap()
    {
        await using var mux = await ConnectAsync(target);
        var options = Options();
        using var store = new RedisTemplateStore(mux, options);
        // Five changes of one subject (one shard); its stream trimmed to the last two.
        var first = await store.UpsertAsync(Record("G0", 0)).WaitAsync(Limit);
        for (var i = 1; i < 5; i++) await store.UpsertAsync(Record("G0", i)).WaitAsync(Limit);
        await mux.GetDatabase().StreamTrimAsync(ChangesKey(options, ShardOf(first.SubjectKey)), 2, useApproximateMaxLength: false).WaitAsync(Limit);
        await Assert.ThrowsAsync<TemplateStreamGapException>(async () =>
        {
            await foreach (var _ in store.FollowAsync(new ChangeStreamPosition(first.ChangeId)).WithCancellation(new CancellationTokenSource(Limit).Token))
            {
            }
        });
    }

    private static string[] Galleries(int n) => (n % 5) switch
    {
        0 => [],
        1 => [s_galleries[0]],
        2 => [s_galleries[0], s_galleries[1]],
        3 => [s_galleries[2]],
        _ => s_galleries,
    };
}

[Collection(StoreCollection.Name)]
public sealed class ReplicaConvergenceTestsOnServer(StoreServerFixture fixture) : ReplicaConvergenceTests(fixture);

[Collection(StoreClusterCollection.Name)]
public sealed class ReplicaConvergenceTestsOnCluster(StoreClusterFixture fixture) : ReplicaConvergenceTests(fixture);
