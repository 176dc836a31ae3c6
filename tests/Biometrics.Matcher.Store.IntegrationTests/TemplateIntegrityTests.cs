using System.Text;
using StackExchange.Redis;
using static Biometrics.Matcher.Store.IntegrationTests.StoreTestSupport;

namespace Biometrics.Matcher.Store.IntegrationTests;

/// <summary>Run against one redis-server and against a Redis Cluster (the sealed classes at the end).</summary>
public abstract class TemplateIntegrityTests(IRedisTarget target)
{
    /// <summary>Enrols a subject; returns its bucket entry (bucket key, field), which the 1:1 read and the snapshot both read.</summary>
    private async Task<(ConnectionMultiplexer Mux, RedisTemplateStore Store, TemplateStoreOptions Options, string Key)> EnrolAsync(string subject)
    {
        var mux = await ConnectAsync(target);
        var options = Options();
        var store = new RedisTemplateStore(mux, options);
        var result = await store.UpsertAsync(Record(subject, 3)).WaitAsync(Limit);
        return (mux, store, options, BucketOf(options, result.SubjectKey).Bucket);
    }

    /// <summary>Flips <paramref name="mask"/> in the byte at <paramref name="at"/> of a bucket entry, in Redis.</summary>
    private static async Task FlipBitAsync(IConnectionMultiplexer mux, RedisKey bucket, RedisValue field, Index at, byte mask)
    {
        var db = mux.GetDatabase();
        var value = (byte[])(await db.HashGetAsync(bucket, field).WaitAsync(Limit))!;
        value[at] ^= mask;
        await db.HashSetAsync(bucket, field, value).WaitAsync(Limit);
    }

    [Fact]
    public async Task Get_TamperedCiphertext_ThrowsIntegrityException()
    {
        var (mux, store, options, bucket) = await EnrolAsync("T1");
        await using var _m = mux;
        using var _s = store;
        await FlipBitAsync(mux, bucket, store.GetSubjectKey("T1").Hex, ^100, 0x01);
        await Assert.ThrowsAsync<TemplateIntegrityException>(() => store.GetAsync("T1").WaitAsync(Limit));
    }

    [Fact]
    public async Task Score_TamperedCiphertext_ThrowsIntegrityExceptionWhateverTheProbeModel()
    {
        var (mux, store, options, bucket) = await EnrolAsync("T1s");
        await using var _m = mux;
        using var _s = store;
        await FlipBitAsync(mux, bucket, store.GetSubjectKey("T1s").Hex, ^100, 0x01);
        foreach (var model in new[] { Record("T1s", 3).ModelId, "another-model" })
        {
            await Assert.ThrowsAsync<TemplateIntegrityException>(() =>
                store.ScoreAsync("T1s", Vector(3), model, static (p, r) => 0f, Limit).WaitAsync(Limit));
        }
    }

    [Fact]
    public async Task Get_WrongEncryptionKey_ThrowsIntegrityException()
    {
        var (mux, store, options, _) = await EnrolAsync("T2");
        await using var _m = mux;
        using var _s = store;
        var other = Options(options.PseudonymisationKeyBase64, NewKey());
        other.KeyPrefix = options.KeyPrefix;
        using var otherStore = new RedisTemplateStore(mux, other);
        var ex = await Assert.ThrowsAsync<TemplateIntegrityException>(() => otherStore.GetAsync("T2").WaitAsync(Limit));
        Assert.Contains("key this store does not hold", ex.Message);
    }

    [Fact]
    public async Task Get_RotatedKeyListedAsPrevious_StillDecrypts()
    {
        var (mux, store, options, _) = await EnrolAsync("T2b");
        await using var _m = mux;
        using var _s = store;
        var rotated = Options(options.PseudonymisationKeyBase64, NewKey());
        rotated.KeyPrefix = options.KeyPrefix;
        rotated.PreviousEncryptionKeysBase64.Add(options.EncryptionKeyBase64!);
        using var rotatedStore = new RedisTemplateStore(mux, rotated);
        Assert.Equal(Vector(3), (await rotatedStore.GetAsync("T2b").WaitAsync(Limit))!.Vector);
    }

    [Fact]
    public async Task Get_ModelIdRelabelled_ThrowsIntegrityException()
    {
        var (mux, store, _, bucket) = await EnrolAsync("T3");
        await using var _m = mux;
        using var _s = store;
        var field = store.GetSubjectKey("T3").Hex;
        var db = mux.GetDatabase();
        var value = Encoding.Latin1.GetString((byte[])(await db.HashGetAsync(bucket, field).WaitAsync(Limit))!);
        const string model = "fr_feature-87aacdfe", other = "fr_other-000000000";
        Assert.Contains($":{model.Length}:{model}", value);
        await db.HashSetAsync(bucket, field, Encoding.Latin1.GetBytes(value.Replace($":{model.Length}:{model}", $":{other.Length}:{other}"))).WaitAsync(Limit);
        await Assert.ThrowsAsync<TemplateIntegrityException>(() => store.GetAsync("T3").WaitAsync(Limit));
    }

    [Fact]
    public async Task Get_VersionAltered_ThrowsIntegrityException()
    {
        var (mux, store, _, bucket) = await EnrolAsync("T4");
        await using var _m = mux;
        using var _s = store;
        var field = store.GetSubjectKey("T4").Hex;
        var db = mux.GetDatabase();
        var value = Encoding.Latin1.GetString((byte[])(await db.HashGetAsync(bucket, field).WaitAsync(Limit))!);
        Assert.StartsWith("1:", value);
        await db.HashSetAsync(bucket, field, Encoding.Latin1.GetBytes("7" + value[1..])).WaitAsync(Limit);
        await Assert.ThrowsAsync<TemplateIntegrityException>(() => store.GetAsync("T4").WaitAsync(Limit));
    }

    [Fact]
    public async Task Get_BlobCopiedToAnotherSubject_ThrowsIntegrityException()
    {
        var (mux, store, options, bucket) = await EnrolAsync("T5");
        await using var _m = mux;
        using var _s = store;
        var victim = await store.UpsertAsync(Record("T6", 9)).WaitAsync(Limit);
        var db = mux.GetDatabase();
        var value = (byte[])(await db.HashGetAsync(bucket, store.GetSubjectKey("T5").Hex).WaitAsync(Limit))!;
        var (victimBucket, victimField) = BucketOf(options, victim.SubjectKey);
        await db.HashSetAsync(victimBucket, victimField, value).WaitAsync(Limit);
        await Assert.ThrowsAsync<TemplateIntegrityException>(() => store.GetAsync("T6").WaitAsync(Limit));
    }

    [Fact]
    public async Task Get_RequiredModelDiffers_ThrowsModelMismatch()
    {
        var (mux, store, _, _) = await EnrolAsync("T7");
        await using var _m = mux;
        using var _s = store;
        var ex = await Assert.ThrowsAsync<TemplateModelMismatchException>(() => store.GetAsync("T7", "fr_other-1").WaitAsync(Limit));
        Assert.Equal("fr_other-1", ex.RequiredModelId);
        Assert.NotNull(await store.GetAsync("T7", "fr_feature-87aacdfe").WaitAsync(Limit));
    }

    [Fact]
    public async Task LoadSnapshot_TamperedTemplate_SkippedAndCounted()
    {
        var (mux, store, options, _) = await EnrolAsync("T8");
        await using var _m = mux;
        using var _s = store;
        await store.UpsertAsync(Record("T9", 4)).WaitAsync(Limit);
        // The snapshot reads the bucket copy of each record: tamper with that one.
        var (bucket, field) = BucketOf(options, store.GetSubjectKey("T8"));
        await FlipBitAsync(mux, bucket, field, ^1, 0x80);
        var loaded = new List<StoredTemplate>();
        var snapshot = await store.LoadSnapshotAsync(loaded.Add).WaitAsync(Limit);
        Assert.Equal(1, snapshot.Loaded);
        Assert.Equal(1, snapshot.Rejected);
        Assert.Equal("T9", loaded.Single().SubjectId);
        var keys = new List<SubjectKey>();
        Assert.Equal(snapshot, await store.LoadSnapshotRowsAsync((in SnapshotTemplate t) => keys.Add(t.SubjectKey)).WaitAsync(Limit));
        Assert.Equal(store.GetSubjectKey("T9"), keys.Single());
    }

    [Fact]
    public async Task LoadSnapshot_BucketCopyRelabelledOrMoved_SkippedAndCounted()
    {
        var (mux, store, options, _) = await EnrolAsync("T10");
        await using var _m = mux;
        using var _s = store;
        await store.UpsertAsync(Record("T11", 4)).WaitAsync(Limit);
        await store.UpsertAsync(Record("T12", 5)).WaitAsync(Limit);
        var db = mux.GetDatabase();

        // T10: version in the clear header rolled forward; T11: its blob copied under T12's key (T12's own record is gone).
        var (b10, f10) = BucketOf(options, store.GetSubjectKey("T10"));
        var v10 = Encoding.Latin1.GetString((byte[])(await db.HashGetAsync(b10, f10).WaitAsync(Limit))!);
        Assert.StartsWith("1:", v10);
        await db.HashSetAsync(b10, f10, Encoding.Latin1.GetBytes("2" + v10[1..])).WaitAsync(Limit);
        var (b11, f11) = BucketOf(options, store.GetSubjectKey("T11"));
        var (b12, f12) = BucketOf(options, store.GetSubjectKey("T12"));
        var v11 = (await db.HashGetAsync(b11, f11).WaitAsync(Limit))!;
        await db.HashDeleteAsync(b11, f11).WaitAsync(Limit);
        await db.HashSetAsync(b12, f12, v11).WaitAsync(Limit);

        var loaded = new List<StoredTemplate>();
        var snapshot = await store.LoadSnapshotAsync(loaded.Add).WaitAsync(Limit);
        Assert.Equal(0, snapshot.Loaded);
        Assert.Equal(2, snapshot.Rejected);
        Assert.Equal(snapshot, await store.LoadSnapshotRowsAsync((in SnapshotTemplate _) => Assert.Fail("a rejected template was delivered")).WaitAsync(Limit));
    }

    private static (string Bucket, string Field) BucketOf(TemplateStoreOptions options, SubjectKey key)
        => (BucketKey(options, StoreTestSupport.BucketOf(key)), key.Hex);
}

[Collection(StoreCollection.Name)]
public sealed class TemplateIntegrityTestsOnServer(StoreServerFixture fixture) : TemplateIntegrityTests(fixture);

[Collection(StoreClusterCollection.Name)]
public sealed class TemplateIntegrityTestsOnCluster(StoreClusterFixture fixture) : TemplateIntegrityTests(fixture);
