using System.Globalization;
using System.Text;
using Biometrics.Matcher.Services;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using static Biometrics.Matcher.Store.IntegrationTests.StoreTestSupport;

namespace Biometrics.Matcher.Store.IntegrationTests;

/// <summary>Run against one redis-server and against a Redis Cluster (the sealed classes at the end).</summary>
public abstract class TemplateStoreRoundTripTests(IRedisTarget target)
{
    [Fact]
    public async Task UpsertGet_NewSubject_RoundTripsEveryField()
    {
        await using var mux = await ConnectAsync(target);
        using var store = new RedisTemplateStore(mux, Options());
        var record = Record("P1234567", 1, galleries: ["residents", "watchlist"]);
        var result = await store.UpsertAsync(record).WaitAsync(Limit);
        Assert.Equal(1, result.Version);
        Assert.Equal(store.GetSubjectKey("P1234567"), result.SubjectKey);

        var t = await store.GetAsync("P1234567").WaitAsync(Limit);
        Assert.NotNull(t);
        Assert.Equal("P1234567", t.SubjectId);
        Assert.Equal(record.Vector.ToArray(), t.Vector);
        Assert.Equal(record.ModelId, t.ModelId);
        Assert.Equal(record.Quality, t.Quality);
        Assert.Equal(record.EnrolledAt, t.EnrolledAt);
        Assert.Equal(["residents", "watchlist"], t.Galleries);
        Assert.Equal(1, t.Version);
        Assert.Equal(result.ChangeId, t.ChangeId);
        Assert.Null(await store.GetAsync("unknown").WaitAsync(Limit));
    }

    [Fact]
    public async Task Score_Enrolled_ScoresTheStoredVectorWithoutReturningIt()
    {
        await using var mux = await ConnectAsync(target);
        using var store = new RedisTemplateStore(mux, Options());
        var record = Record("V1", 1);
        await store.UpsertAsync(record).WaitAsync(Limit);
        var probe = Vector(2);
        var stored = (await store.GetAsync("V1").WaitAsync(Limit))!.Vector;

        var scored = await store.ScoreAsync("V1", probe, record.ModelId, System.Numerics.Tensors.TensorPrimitives.Dot).WaitAsync(Limit);
        Assert.NotNull(scored);
        Assert.Equal(store.GetSubjectKey("V1"), scored.SubjectKey);
        Assert.Equal(record.ModelId, scored.ModelId);
        Assert.NotNull(scored.Score);
        Assert.Equal(System.Numerics.Tensors.TensorPrimitives.Dot(probe, stored), scored.Score.Value, 5); // the pooled buffer may sum in another order

        // Another model: authenticated, not scored; unknown subject: null.
        var other = await store.ScoreAsync("V1", probe, "another-model", static (p, r) => throw new InvalidOperationException("scored")).WaitAsync(Limit);
        Assert.Equal((record.ModelId, (float?)null), (other!.ModelId, other.Score));
        Assert.Null(await store.ScoreAsync("unknown", probe, record.ModelId, System.Numerics.Tensors.TensorPrimitives.Dot).WaitAsync(Limit));
    }

    [Fact]
    public async Task GetByKey_NoTokenServerBusy_ThrowsTimeoutBeforeTheReply()
    {
        await using var mux = await ConnectAsync(target);
        await using var other = await ConnectAsync(target);
        var options = Options();
        options.CommandTimeout = TimeSpan.FromMilliseconds(200);
        using var store = new RedisTemplateStore(mux, options);
        var key = (await store.UpsertAsync(Record("B1", 1)).WaitAsync(Limit)).SubjectKey;

        // Keeps the node that holds the subject's bucket busy for 0.8 s (shorter than the cluster's node timeout).
        var busy = other.GetDatabase().ScriptEvaluateAsync(
            "local s = redis.call('TIME') repeat local n = redis.call('TIME') until (n[1] - s[1]) * 1000000 + n[2] - s[2] >= 800000 return 0",
            [BucketKey(options, BucketOf(key))]);
        await Task.Delay(100);
        await Assert.ThrowsAsync<TimeoutException>(() => store.GetByKeyAsync(key).WaitAsync(Limit));
        Assert.False(busy.IsCompleted);
        await busy.WaitAsync(Limit);
        Assert.NotNull(await store.GetByKeyAsync(key).WaitAsync(Limit));
    }

    [Fact]
    public async Task Upsert_Reenrol_IncrementsVersionAndMovesGalleries()
    {
        await using var mux = await ConnectAsync(target);
        using var store = new RedisTemplateStore(mux, Options());
        await store.UpsertAsync(Record("S1", 1, galleries: ["residents", "watchlist"])).WaitAsync(Limit);
        var second = await store.UpsertAsync(Record("S1", 2, galleries: ["watchlist", "staff"])).WaitAsync(Limit);
        Assert.Equal(2, second.Version);
        Assert.Equal(0, await store.GetGallerySizeAsync("residents").WaitAsync(Limit));
        Assert.Equal([second.SubjectKey], await store.GetGalleryMembersAsync("watchlist").WaitAsync(Limit));
        Assert.Equal([second.SubjectKey], await store.GetGalleryMembersAsync("staff").WaitAsync(Limit));
        Assert.Equal(["residents", "staff", "watchlist"], await store.GetGalleriesAsync().WaitAsync(Limit));
        Assert.Equal(Vector(2), (await store.GetAsync("S1").WaitAsync(Limit))!.Vector);
    }

    [Fact]
    public async Task Delete_Enrolled_RemovesTemplateAndMemberships()
    {
        await using var mux = await ConnectAsync(target);
        using var store = new RedisTemplateStore(mux, Options());
        await store.UpsertAsync(Record("D1", 1, galleries: ["residents", "watchlist"])).WaitAsync(Limit);
        Assert.True(await store.DeleteAsync("D1").WaitAsync(Limit));
        Assert.False(await store.DeleteAsync("D1").WaitAsync(Limit));
        Assert.Null(await store.GetAsync("D1").WaitAsync(Limit));
        Assert.Equal(0, await store.GetGallerySizeAsync("residents").WaitAsync(Limit));
        Assert.Equal(0, await store.GetGallerySizeAsync("watchlist").WaitAsync(Limit));
    }

    [Fact]
    public async Task Upsert_ConcurrentSameSubject_EveryWriteGetsItsOwnVersion()
    {
        await using var mux = await ConnectAsync(target);
        using var store = new RedisTemplateStore(mux, Options());
        var tasks = Enumerable.Range(0, 20).Select(i => store.UpsertAsync(Record("C1", i))).ToArray();
        var results = await Task.WhenAll(tasks).WaitAsync(Limit);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), results.Select(r => r.Version).Order());
        Assert.Equal(20, (await store.GetAsync("C1").WaitAsync(Limit))!.Version);
    }

    [Fact]
    public async Task UpsertMany_ThousandTemplates_AllStoredWithOneChangeEntryPerBatch()
    {
        await using var mux = await ConnectAsync(target);
        var options = Options();
        options.BulkBatchSize = 100;
        using var store = new RedisTemplateStore(mux, options);
        var records = Enumerable.Range(0, 1000).Select(i => Record($"B{i}", i, galleries: i % 2 == 0 ? ["residents"] : ["residents", "watchlist"])).ToList();
        var results = await store.UpsertManyAsync(records).WaitAsync(Limit);
        Assert.Equal(1000, results.Count);
        Assert.All(results, r => Assert.Equal(1, r.Version));
        Assert.Equal(1000, await store.GetGallerySizeAsync("residents").WaitAsync(Limit));
        Assert.Equal(500, await store.GetGallerySizeAsync("watchlist").WaitAsync(Limit));
        // One change entry per script call: each shard's records (at most 100 of them here) in one batch.
        var shards = results.Select(r => ShardOf(r.SubjectKey)).Distinct().ToList();
        long entries = 0;
        foreach (var shard in Enumerable.Range(0, 64)) entries += await mux.GetDatabase().StreamLengthAsync(ChangesKey(options, shard)).WaitAsync(Limit);
        Assert.Equal(shards.Count, entries);
        Assert.Equal(Vector(777), (await store.GetAsync("B777").WaitAsync(Limit))!.Vector);
    }

    [Fact]
    public async Task Upsert_InvalidInput_ThrowsArgumentException()
    {
        await using var mux = await ConnectAsync(target);
        using var store = new RedisTemplateStore(mux, Options());
        await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync(Record("X", 1) with { Vector = new float[128] }));
        var nan = Vector(1);
        nan[3] = float.NaN;
        await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync(Record("X", 1) with { Vector = nan }));
        await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync(Record("X", 1, galleries: ["bad,name"])));
    }

    [Fact]
    public async Task Redis_AfterEnrolment_HoldsNoRawIdentifierOrVector()
    {
        await using var mux = await ConnectAsync(target);
        var options = Options();
        using var store = new RedisTemplateStore(mux, options);
        const string documentNumber = "X9876543210";
        await store.UpsertAsync(Record(documentNumber, 5)).WaitAsync(Limit);
        await store.TryConsumeNonceAsync("nonce-abc-123", TimeSpan.FromMinutes(1)).WaitAsync(Limit);
        var request = store.GetSubjectKey(documentNumber);
        Assert.Equal(RequestState.Reserved, (await store.ReserveRequestAsync("desk\nreq-xyz-789", request, "attempt-1", TimeSpan.FromMinutes(1)).WaitAsync(Limit)).State);
        Assert.True(await store.CompleteRequestAsync("desk\nreq-xyz-789", request, "attempt-1", "ok"u8.ToArray()).WaitAsync(Limit));
        await store.AppendAuditAsync([new AuditRecord("desk", "Enrol", DateTimeOffset.UtcNow, "ENROLLED", null, null, "txn-1", request.Hex, "req-audit-456")]).WaitAsync(Limit);
        var db = mux.GetDatabase();
        var dump = new StringBuilder();
        foreach (var key in await KeysAsync(mux, options).WaitAsync(Limit))
        {
            dump.AppendLine(key);
            switch (await db.KeyTypeAsync(key).WaitAsync(Limit))
            {
                case RedisType.Set:
                    foreach (var v in await db.SetMembersAsync(key).WaitAsync(Limit)) dump.Append(v).Append(' ');
                    break;
                case RedisType.Hash:
                    foreach (var kv in await db.HashGetAllAsync(key).WaitAsync(Limit)) dump.Append(Encoding.Latin1.GetString((byte[])kv.Value!));
                    break;
                case RedisType.String:
                    dump.Append(Encoding.Latin1.GetString((byte[])(await db.StringGetAsync(key).WaitAsync(Limit))!));
                    break;
                case RedisType.Stream:
                    foreach (var e in await db.StreamRangeAsync(key).WaitAsync(Limit))
                    {
                        foreach (var v in e.Values) dump.Append(v.Name).Append('=').Append(v.Value).Append(' ');
                    }

                    break;
            }
        }
        var text = dump.ToString();
        Assert.DoesNotContain(documentNumber, text);
        Assert.DoesNotContain("nonce-abc-123", text);
        Assert.DoesNotContain("req-xyz-789", text);
        Assert.DoesNotContain("req-audit-456", text);
        Assert.Contains(store.GetRequestPseudonym("req-audit-456"), text, StringComparison.Ordinal);
        var vectorBytes = Encoding.Latin1.GetString(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Vector(5).AsSpan()).ToArray());
        Assert.DoesNotContain(vectorBytes[..64], text);
    }

    [Fact]
    public async Task TryConsumeNonce_Replayed_RejectedUntilTtlExpires()
    {
        await using var mux = await ConnectAsync(target);
        using var store = new RedisTemplateStore(mux, Options());
        // A 2 s TTL: the replay right after must fall inside it even when a busy 2-core machine stalls the test.
        Assert.True(await store.TryConsumeNonceAsync("n-1", TimeSpan.FromSeconds(2)).WaitAsync(Limit));
        Assert.False(await store.TryConsumeNonceAsync("n-1", TimeSpan.FromSeconds(2)).WaitAsync(Limit));
        Assert.True(await store.TryConsumeNonceAsync("n-2", TimeSpan.FromMinutes(1)).WaitAsync(Limit));
        await Task.Delay(2500);
        Assert.True(await store.TryConsumeNonceAsync("n-1", TimeSpan.FromMinutes(1)).WaitAsync(Limit));
    }

    [Fact]
    public async Task RequestRecord_ReservedCompletedErased_EachStateAsStored()
    {
        await using var mux = await ConnectAsync(target);
        using var store = new RedisTemplateStore(mux, Options());
        var subject = store.GetSubjectKey("req-subject");
        var ttl = TimeSpan.FromMinutes(1);
        Assert.Equal(RequestState.Reserved, (await store.ReserveRequestAsync("r1", subject, "a1", ttl).WaitAsync(Limit)).State);
        Assert.Equal(new RequestRecord(RequestState.InProgress, subject, null), await store.ReserveRequestAsync("r1", subject, "a2", ttl).WaitAsync(Limit));
        Assert.False(await store.CompleteRequestAsync("r1", subject, "a2", "theirs"u8.ToArray()).WaitAsync(Limit));
        Assert.True(await store.CompleteRequestAsync("r1", subject, "a1", "first"u8.ToArray()).WaitAsync(Limit));
        var done = await store.ReserveRequestAsync("r1", subject, "a3", ttl).WaitAsync(Limit);
        Assert.Equal((RequestState.Completed, subject, "first"), (done.State, done.Subject, System.Text.Encoding.ASCII.GetString(done.Result!)));

        // A released reservation frees the id for the next attempt.
        Assert.Equal(RequestState.Reserved, (await store.ReserveRequestAsync("r2", subject, "b1", ttl).WaitAsync(Limit)).State);
        await store.ReleaseRequestAsync("r2", subject, "b1").WaitAsync(Limit);
        Assert.Equal(RequestState.Reserved, (await store.ReserveRequestAsync("r2", subject, "b2", ttl).WaitAsync(Limit)).State);

        // Erasure blanks both, the one in progress included, although the subject has no template.
        Assert.False(await store.DeleteAsync("req-subject").WaitAsync(Limit));
        Assert.Equal(new RequestRecord(RequestState.Erased, null, null), await store.ReserveRequestAsync("r1", subject, "a4", ttl).WaitAsync(Limit));
        Assert.False(await store.CompleteRequestAsync("r2", subject, "b2", "late"u8.ToArray()).WaitAsync(Limit));
        Assert.Equal(RequestState.Erased, (await store.ReserveRequestAsync("r2", subject, "b3", ttl).WaitAsync(Limit)).State);
    }

    [Fact]
    public async Task UpsertMany_SameSubjectTwiceInOneCall_EachWriteGetsItsVersion()
    {
        await using var mux = await ConnectAsync(target);
        using var store = new RedisTemplateStore(mux, Options());
        var results = await store.UpsertManyAsync([Record("twice", 1), Record("once", 2), Record("twice", 3)]).WaitAsync(Limit);
        Assert.Equal([1L, 1L, 2L], results.Select(r => r.Version));
        var stored = await store.GetAsync("twice").WaitAsync(Limit);
        Assert.Equal(2, stored!.Version);
        Assert.Equal(Vector(3), stored.Vector);
    }

    [Fact]
    public async Task Audit_AppendedTogether_ReadBackOneEntryEachNewestFirst()
    {
        await using var mux = await ConnectAsync(target);
        using var store = new RedisTemplateStore(mux, Options());
        var when = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_123);
        await store.AppendAuditAsync([new AuditRecord("gate-7", "Verify", when, "ACCEPT", 0.61, "fr_feature-87aacdfe", "txn-1", "ab")]).WaitAsync(Limit);
        await store.AppendAuditAsync([new AuditRecord("gate-7", "Verify", when, "REJECT", 0.2, "fr_feature-87aacdfe", "txn-2", "cd"),
            new AuditRecord("gate-7", "Verify", when, "REFER", null, null)]).WaitAsync(Limit);
        var records = await store.ReadAuditAsync(10).WaitAsync(Limit);
        Assert.Equal(3, records.Count);
        Assert.Equal("REFER", records[0].Decision);
        Assert.Equal("txn-2", records[1].TransactionId);
        Assert.Null(records[0].Score);
        Assert.Equal(new AuditRecord("gate-7", "Verify", when, "ACCEPT", 0.61, "fr_feature-87aacdfe", "txn-1", "ab"), records[2]);
    }

    [Fact]
    public async Task AuditTrail_ManyRecordsAtOnce_EachWrittenOnceInOrderBeforeDisposeReturns()
    {
        await using var mux = await ConnectAsync(target);
        using var store = new RedisTemplateStore(mux, Options());
        var trail = new AuditTrail(store, NullLogger<AuditTrail>.Instance);
        // Four callers at once: the records queue behind the append in flight and go in batches.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(c => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++) trail.Record("gate-" + c, "Verify", "ACCEPT", 0.7f, "fr_feature-87aacdfe", $"{i:D4}", "ab", "req-" + i);
        }))).WaitAsync(Limit);
        await trail.DisposeAsync().AsTask().WaitAsync(Limit);

        var records = await store.ReadAuditAsync(5000).WaitAsync(Limit);
        Assert.Equal(0, trail.Failures);
        Assert.Equal(2000, records.Count);
        for (var c = 0; c < 4; c++)
        {
            var mine = records.Where(r => r.Actor == "gate-" + c).Reverse().ToList();
            Assert.Equal(Enumerable.Range(0, 500).Select(i => $"{i:D4}"), mine.Select(r => r.TransactionId));
            Assert.All(mine, r => Assert.Equal(store.GetRequestPseudonym("req-" + int.Parse(r.TransactionId!, CultureInfo.InvariantCulture)), r.RequestId));
        }
    }
}

[Collection(StoreCollection.Name)]
public sealed class TemplateStoreRoundTripTestsOnServer(StoreServerFixture fixture) : TemplateStoreRoundTripTests(fixture);

[Collection(StoreClusterCollection.Name)]
public sealed class TemplateStoreRoundTripTestsOnCluster(StoreClusterFixture fixture) : TemplateStoreRoundTripTests(fixture);
