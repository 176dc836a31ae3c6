using System.Diagnostics;
using System.Globalization;
using System.Text;
using Biometrics.Matcher.Services;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using static Biometrics.Matcher.Store.IntegrationTests.StoreTestSupport;

namespace Biometrics.Matcher.Store.IntegrationTests;

/// <summary>Run against one redis-server and against a Redis Cluster (the sealed classes at the end).</summary>
public abstract class TemplateStoreRoundTripTests(IRedisTarget target, Xunit.Abstractions.ITestOutputHelper output)
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
    public async Task GetSubjectKey_ShortAndLongIds_AreTheHmacOfDomainAndId()
    {
        await using var mux = await ConnectAsync(target);
        var key = NewKey();
        using var store = new RedisTemplateStore(mux, Options(key));
        // The stored pseudonyms (docs/REDIS.md): HMAC-SHA256 of UTF-8 "subject\0" + id, hex; the same for request ids.
        foreach (var id in new[] { "P1", "é-" + new string('x', 600) })
        {
            Assert.Equal(Mac(key, "subject\0" + id), store.GetSubjectKey(id).Hex);
            Assert.Equal(Mac(key, "request\0" + id), store.GetRequestPseudonym(id));
        }

        static string Mac(string key, string input) =>
            Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Convert.FromBase64String(key), Encoding.UTF8.GetBytes(input)));
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

        var scored = await store.ScoreAsync("V1", probe, record.ModelId, System.Numerics.Tensors.TensorPrimitives.Dot, Limit).WaitAsync(Limit);
        Assert.NotNull(scored);
        Assert.Equal(store.GetSubjectKey("V1"), scored.SubjectKey);
        Assert.Equal(record.ModelId, scored.ModelId);
        Assert.NotNull(scored.Score);
        Assert.Equal(System.Numerics.Tensors.TensorPrimitives.Dot(probe, stored), scored.Score.Value, 5); // the pooled buffer may sum in another order

        // Another model: authenticated, not scored; unknown subject: null.
        var other = await store.ScoreAsync("V1", probe, "another-model", static (p, r) => throw new InvalidOperationException("scored"), Limit).WaitAsync(Limit);
        Assert.Equal((record.ModelId, (float?)null), (other!.ModelId, other.Score));
        Assert.Null(await store.ScoreAsync("unknown", probe, record.ModelId, System.Numerics.Tensors.TensorPrimitives.Dot, Limit).WaitAsync(Limit));
    }

    [Fact]
    public async Task GetByKey_NoTokenServerBusy_ThrowsTimeoutBeforeTheReply()
    {
        await using var mux = await ConnectAsync(target);
        await using var other = await ConnectAsync(target);
        var options = Options();
        using var writer = new RedisTemplateStore(mux, options);
        var key = (await writer.UpsertAsync(Record("B1", 1)).WaitAsync(Limit)).SubjectKey;
        // The same store with a 200 ms command timeout for the read under test only: on a loaded machine the write and the
        // read after the pause may take longer than that on their own.
        var quick = Options(options.PseudonymisationKeyBase64, options.EncryptionKeyBase64);
        quick.KeyPrefix = options.KeyPrefix;
        quick.CommandTimeout = TimeSpan.FromMilliseconds(200);
        using var store = new RedisTemplateStore(mux, quick);

        // The node that holds the subject's bucket answers no client for 1.5 s from the moment it says OK (CLIENT PAUSE: the
        // cluster bus goes on). A busy script sent beside the read once reached the node after the read on a loaded machine.
        const int PauseMs = 1500;
        var node = other.GetServer(other.GetDatabase().IdentifyEndpoint(BucketKey(options, BucketOf(key)))!);
        await node.ExecuteAsync("CLIENT", "PAUSE", PauseMs, "ALL").WaitAsync(Limit);
        var paused = Stopwatch.StartNew();
        await Assert.ThrowsAsync<TimeoutException>(() => store.GetByKeyAsync(key).WaitAsync(Limit));
        Assert.True(paused.ElapsedMilliseconds < PauseMs, $"the timeout came {paused.ElapsedMilliseconds} ms into a {PauseMs} ms pause");
        Assert.NotNull(await writer.GetByKeyAsync(key).WaitAsync(Limit)); // answered once the pause ends
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
        var held = await store.ReserveRequestAsync("r1", subject, "a2", ttl).WaitAsync(Limit);
        Assert.Equal((RequestState.InProgress, subject), (held.State, held.Subject));
        Assert.InRange(held.LeaseLeft!.Value, TimeSpan.FromSeconds(1), ttl);
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

    /// <summary>
    /// A reservation whose owner's lease passed (the owner crashed or was cut off) is taken over by the next attempt at
    /// once, by the server's clock, long before the record would lapse (twice the lease); the old owner, back, can then
    /// neither complete nor release it. Before, the next attempt saw "in progress" until the record lapsed.
    /// </summary>
    [Fact]
    public async Task ReserveRequest_OwnersLeasePassed_TakenOverAndTheOldOwnerIsRefused()
    {
        await using var mux = await ConnectAsync(target);
        using var store = new RedisTemplateStore(mux, Options());
        var subject = store.GetSubjectKey("lease-subject");
        var lease = TimeSpan.FromSeconds(3);
        Assert.Equal(RequestState.Reserved, (await store.ReserveRequestAsync("r1", subject, "old-owner", lease).WaitAsync(Limit)).State);
        var reserved = System.Diagnostics.Stopwatch.StartNew();
        // Another subject under the same id: never taken over (the service answers request_id_reused).
        var other = await store.ReserveRequestAsync("r1", store.GetSubjectKey("another"), "x", lease).WaitAsync(Limit);
        Assert.Equal((RequestState.InProgress, subject, (TimeSpan?)null), (other.State, other.Subject, other.LeaseLeft));

        // Polled: "in progress" while the lease runs, then taken over (not a fresh reservation: the record is still there).
        RequestRecord next;
        while ((next = await store.ReserveRequestAsync("r1", subject, "new-owner", lease).WaitAsync(Limit)).State == RequestState.InProgress)
        {
            Assert.True(next.LeaseLeft <= lease, $"lease left {next.LeaseLeft}");
            Assert.True(reserved.Elapsed < 2 * lease, "still in progress after twice the lease");
            await Task.Delay(50);
        }

        Assert.Equal(RequestState.TakenOver, next.State);
        Assert.True(reserved.Elapsed >= lease - TimeSpan.FromMilliseconds(100), $"taken over after {reserved.Elapsed}");
        Assert.False(await store.CompleteRequestAsync("r1", subject, "old-owner", "late"u8.ToArray()).WaitAsync(Limit));
        await store.ReleaseRequestAsync("r1", subject, "old-owner").WaitAsync(Limit);
        Assert.Equal(RequestState.InProgress, (await store.ReserveRequestAsync("r1", subject, "third", lease).WaitAsync(Limit)).State);
        Assert.True(await store.CompleteRequestAsync("r1", subject, "new-owner", "answer"u8.ToArray()).WaitAsync(Limit));
        var done = await store.ReserveRequestAsync("r1", subject, "third", lease).WaitAsync(Limit);
        Assert.Equal((RequestState.Completed, "answer"), (done.State, System.Text.Encoding.ASCII.GetString(done.Result!)));
    }

    /// <summary>
    /// A replica WAIT holds the write connection for up to Store:WaitTimeout (a shard without a replica after a failover);
    /// request reservations used to queue behind it and outlive the store's deadline (docs/SCALING.md, "Proofs"). Now they
    /// are answered while the WAIT is pending, and the write it waits for is still not acknowledged.
    /// </summary>
    [Fact]
    public async Task ReserveRequest_ReplicaWaitPending_AnsweredWithoutWaitingForIt()
    {
        await using var mux = await ConnectAsync(target);
        await using var writes = await ConnectAsync(target);
        var options = Options();
        options.WaitForReplicas = 5; // more than any primary here has: every WAIT runs its whole timeout
        options.WaitTimeout = TimeSpan.FromSeconds(8);
        using var store = new RedisTemplateStore(mux, options, writeConnection: writes);
        var subject = store.GetSubjectKey("wait-subject");
        // Warm-up: scripts loaded, connections to every primary in use.
        Assert.Equal(RequestState.Reserved, (await store.ReserveRequestAsync("warm", subject, "w", TimeSpan.FromMinutes(1)).WaitAsync(Limit)).State);

        // Subjects in every shard, so that every primary gets a WAIT.
        var upsert = store.UpsertManyAsync([.. Enumerable.Range(0, 300).Select(i => Record("wait-" + i, i))]);
        var primaries = mux.GetServers().Where(s => !s.IsReplica).ToArray();
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var lists = await Task.WhenAll(primaries.Select(p => p.ExecuteAsync("CLIENT", "LIST"))).WaitAsync(Limit);
            if (lists.All(l => ((string)l!).Contains("cmd=wait", StringComparison.Ordinal))) break;
            Assert.False(upsert.IsCompleted, "the upsert ended before its WAIT was seen: " + upsert.Exception?.GetBaseException().Message);
            Assert.True(waiting.Elapsed < TimeSpan.FromSeconds(6), "no WAIT pending on every primary");
            await Task.Delay(20);
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 6; i++)
        {
            var record = await store.ReserveRequestAsync("during-wait-" + i, subject, "a", TimeSpan.FromMinutes(1)).WaitAsync(Limit);
            Assert.Equal(RequestState.Reserved, record.State);
            Assert.True(await store.CompleteRequestAsync("during-wait-" + i, subject, "a", "ok"u8.ToArray()).WaitAsync(Limit));
        }

        var took = clock.Elapsed;
        output.WriteLine($"6 reservations and completions while a {options.WaitTimeout.TotalSeconds:F0} s WAIT was pending on every primary: {took.TotalMilliseconds:F0} ms");
        Assert.False(upsert.IsCompleted, $"the WAIT ended before the reservations were checked ({took})");
        Assert.True(took < TimeSpan.FromSeconds(3), $"6 reservations and completions took {took} while a WAIT was pending");
        await Assert.ThrowsAsync<TemplateStoreDurabilityException>(() => upsert).WaitAsync(Limit);
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
    public async Task Audit_AppendedTogether_OneEntryPerAppendReadBackOneRecordEachNewestFirst()
    {
        await using var mux = await ConnectAsync(target);
        var options = Options();
        using var store = new RedisTemplateStore(mux, options);
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
        Assert.Equal(records.Take(2), await store.ReadAuditAsync(2).WaitAsync(Limit));

        // One stream entry per append, its records in one field as a JSON array, oldest first (docs/REDIS.md, "Audit stream").
        var entries = await mux.GetDatabase().StreamRangeAsync(options.KeyPrefix + ":audit").WaitAsync(Limit);
        Assert.Equal(2, entries.Length);
        Assert.Equal(["records"], entries[1].Values.Select(v => (string)v.Name!));
        Assert.Equal("""[{"who":"gate-7","what":"Verify","when":1790000000123,"decision":"REJECT","score":0.2,"model_id":"fr_feature-87aacdfe","txn":"txn-2","sk":"cd"},"""
            + """{"who":"gate-7","what":"Verify","when":1790000000123,"decision":"REFER"}]""", (string?)entries[1]["records"]);
    }

    [Fact]
    public async Task Audit_AppendLongerThanAnEntry_CutIntoEntriesReadBackInOrder()
    {
        await using var mux = await ConnectAsync(target);
        var options = Options();
        using var store = new RedisTemplateStore(mux, options);
        var when = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_123);
        var written = Enumerable.Range(0, (2 * RedisTemplateStore.AuditRecordsPerEntry) + 1)
            .Select(i => new AuditRecord("gate-7", "Verify", when, "ACCEPT", i / 10_000.0, "fr_feature-87aacdfe", $"txn-{i}", "ab", i % 2 == 0 ? $"req-{i}" : null))
            .ToList();
        await store.AppendAuditAsync(written).WaitAsync(Limit);

        Assert.Equal(3, await mux.GetDatabase().StreamLengthAsync(options.KeyPrefix + ":audit").WaitAsync(Limit));
        var expected = written.Select(r => r with { RequestId = r.RequestId is null ? null : store.GetRequestPseudonym(r.RequestId) }).Reverse().ToList();
        Assert.Equal(expected, await store.ReadAuditAsync(10_000).WaitAsync(Limit));
        Assert.Equal(expected.Take(1500), await store.ReadAuditAsync(1500).WaitAsync(Limit));
    }

    [Fact]
    public async Task Audit_RecordsLargerThanTheEntryEstimate_WrittenWhole()
    {
        await using var mux = await ConnectAsync(target);
        using var store = new RedisTemplateStore(mux, Options());
        var when = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_123);
        // Actors of 3,000 characters, some escaped in JSON: the entry's buffer grows several times while it is written.
        var written = Enumerable.Range(0, 5).Select(i => new AuditRecord(new string((char)('a' + i), 3000) + "\"\n" + i, "Verify", when, "ACCEPT", 0.5, null, $"txn-{i}")).ToList();
        await store.AppendAuditAsync(written).WaitAsync(Limit);
        await store.AppendAuditAsync(written[..1]).WaitAsync(Limit);

        Assert.Equal(written[..1].Concat(Enumerable.Reverse(written)), await store.ReadAuditAsync(10).WaitAsync(Limit));
    }

    [Fact]
    public async Task ReadAudit_EntriesOfOneRecordWrittenBefore_ReadWithTheNewOnes()
    {
        await using var mux = await ConnectAsync(target);
        var options = Options();
        using var store = new RedisTemplateStore(mux, options);
        var when = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_123);
        // The former layout: one entry per record, its fields as the entry's fields.
        await mux.GetDatabase().StreamAddAsync(options.KeyPrefix + ":audit", [new("who", "gate-7"), new("what", "Verify"), new("when", when.ToUnixTimeMilliseconds()),
            new("decision", "ACCEPT"), new("score", 0.61), new("model_id", "fr_feature-87aacdfe"), new("txn", "txn-1"), new("sk", "ab"), new("rid", "r1")]).WaitAsync(Limit);
        await store.AppendAuditAsync([new AuditRecord("gate-7", "Verify", when, "REFER", null, null, "txn-2")]).WaitAsync(Limit);

        Assert.Equal([new AuditRecord("gate-7", "Verify", when, "REFER", null, null, "txn-2"),
            new AuditRecord("gate-7", "Verify", when, "ACCEPT", 0.61, "fr_feature-87aacdfe", "txn-1", "ab", "r1")], await store.ReadAuditAsync(10).WaitAsync(Limit));
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
public sealed class TemplateStoreRoundTripTestsOnServer(StoreServerFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : TemplateStoreRoundTripTests(fixture, output);

[Collection(StoreClusterCollection.Name)]
public sealed class TemplateStoreRoundTripTestsOnCluster(StoreClusterFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : TemplateStoreRoundTripTests(fixture, output);
