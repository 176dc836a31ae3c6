using System.Buffers.Text;
using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace Biometrics.Matcher.Store;

public sealed partial class RedisTemplateStore
{
    /// <summary>
    /// Bits of the subject key that pick its snapshot bucket: 14 bits, 16,384 buckets (about 60 templates, 130 KB,
    /// per bucket at 1,000,000 templates: replies small enough to parse cheaply, few enough commands for a small
    /// store). Part of the data layout: changing it needs a bucket rebuild.
    /// </summary>
    internal const int SnapshotBucketBits = 14;

    /// <summary>Number of snapshot buckets.</summary>
    internal const int SnapshotBucketCount = 1 << SnapshotBucketBits;

    /// <summary>
    /// Bits of the subject key that pick its shard (the top 6 bits, so a shard is 256 consecutive buckets). A shard
    /// is one hash tag: its records, buckets, gallery sets and change stream live in one cluster hash slot, so every
    /// script touches one slot. Part of the data layout.
    /// </summary>
    internal const int ShardBits = 6;

    /// <summary>Number of shards (hash tags, change streams).</summary>
    internal const int ShardCount = 1 << ShardBits;

    private const int BucketsPerShardBits = SnapshotBucketBits - ShardBits;

    private const int SubjectKeyHexLength = 64;

    /// <summary>The bucket of a subject: the top <see cref="SnapshotBucketBits"/> bits of its HMAC (uniformly spread).</summary>
    internal static int BucketOf(SubjectKey key)
    {
        var top = int.Parse(key.Hex.AsSpan(0, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return top >> (16 - SnapshotBucketBits);
    }

    /// <summary>The shard of a subject: the top <see cref="ShardBits"/> bits of its HMAC.</summary>
    internal static int ShardOf(SubjectKey key) => BucketOf(key) >> BucketsPerShardBits;

    /// <summary>Buckets read and decrypted ahead (on the thread pool, so on every core) while the oldest is delivered.</summary>
    private const int SnapshotBucketsInFlight = 64;

    /// <inheritdoc />
    /// <remarks>
    /// Each bucket is one <c>HGETALL</c>; up to <see cref="SnapshotBucketsInFlight"/> buckets are read and their entries
    /// authenticated and decrypted concurrently on the thread pool, while the caller's <paramref name="onTemplate"/> gets
    /// the oldest bucket's templates, one at a time and in bucket order (docs/PERFORMANCE.md, "Restart").
    /// </remarks>
    public async Task<TemplateSnapshot> LoadSnapshotAsync(Action<StoredTemplate> onTemplate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onTemplate);
        // The positions (one per shard) are taken before the buckets are read: every change after them is replayed by
        // FollowAsync (which fetches the subject's current record, so replaying a change the buckets already showed is
        // harmless), and every change up to them is in the buckets (each write updates its bucket in the same atomic
        // script as its shard's change entry).
        var position = await GetLatestPositionAsync(cancellationToken).ConfigureAwait(false);
        long loaded = 0, rejected = 0;
        var buckets = new Queue<Task<OpenedBucket>>(SnapshotBucketsInFlight);
        var next = 0;
        while (next < SnapshotBucketCount && buckets.Count < SnapshotBucketsInFlight) buckets.Enqueue(ReadBucketAsync(next++, cancellationToken));
        while (buckets.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var bucket = await buckets.Dequeue().ConfigureAwait(false);
            if (next < SnapshotBucketCount) buckets.Enqueue(ReadBucketAsync(next++, cancellationToken));
            foreach (var template in bucket.Templates)
            {
                if (template is null) continue;
                onTemplate(template);
                loaded++;
            }

            foreach (var (field, error) in bucket.Errors ?? [])
            {
                rejected++;
                LogRejected(_logger, field, error);
            }
        }

        return new TemplateSnapshot(position, loaded, rejected);
    }

    /// <summary>A bucket's templates in field order (null where an entry was rejected) and the rejected entries.</summary>
    private sealed record OpenedBucket(StoredTemplate?[] Templates, List<(string Field, string Error)>? Errors);

    private async Task<OpenedBucket> ReadBucketAsync(int bucket, CancellationToken cancellationToken)
    {
        var items = await Bounded(_db.HashGetAllAsync(BucketKey(bucket)), cancellationToken).ConfigureAwait(false);
        // Not on the client's reader: the rest runs on a thread-pool thread, beside the other buckets' decryption.
        await Task.Yield();
        var templates = new StoredTemplate?[items.Length];
        List<(string, string)>? errors = null;
        for (var i = 0; i < items.Length; i++)
        {
            try
            {
                templates[i] = OpenBucketEntry((byte[]?)items[i].Name, (byte[]?)items[i].Value);
            }
            catch (TemplateIntegrityException ex)
            {
                (errors ??= []).Add((items[i].Name.ToString(), ex.Message));
            }
        }

        return new OpenedBucket(templates, errors);
    }

    /// <summary>
    /// Rewrites every record's snapshot bucket entry from its per-subject record (one atomic script per subject, so
    /// it is safe while enrolments continue). Needed once for records whose bucket entry is missing; returns the
    /// number of records copied. Slow (a SCAN of every primary plus one script per subject): a maintenance task,
    /// not a start-up step.
    /// </summary>
    public async Task<long> RebuildSnapshotBucketsAsync(CancellationToken cancellationToken = default)
    {
        long copied = 0;
        var pattern = _prefix + ":{*}:t:*";
        foreach (var server in _connection.GetServers())
        {
            if (server.IsReplica || !server.IsConnected) continue;
            var writes = new List<Task<RedisResult>>();
            await foreach (var k in server.KeysAsync(pattern: pattern, pageSize: _options.SnapshotScanCount).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var text = k.ToString();
                var key = new SubjectKey(text[(text.LastIndexOf(':') + 1)..]);
                writes.Add(_writeDb.ScriptEvaluateAsync(s_rebuildBucketScript, [k, BucketKey(BucketOf(key))], [key.Hex]));
                if (writes.Count >= 256)
                {
                    foreach (var w in writes) copied += (long)await Bounded(w, cancellationToken).ConfigureAwait(false);
                    writes.Clear();
                }
            }

            foreach (var w in writes) copied += (long)await Bounded(w, cancellationToken).ConfigureAwait(false);
        }

        return copied;
    }

    /// <summary>Parses and opens one bucket entry (field: subject key; value: <c>version:changeId:modelLength:model</c> then the blob).</summary>
    private StoredTemplate OpenBucketEntry(byte[]? field, byte[]? value)
    {
        if (field is null || field.Length != SubjectKeyHexLength || value is null)
        {
            throw new TemplateIntegrityException("A snapshot bucket holds a malformed entry.");
        }

        SubjectKey key;
        try
        {
            key = new SubjectKey(Encoding.ASCII.GetString(field));
        }
        catch (FormatException)
        {
            throw new TemplateIntegrityException("A snapshot bucket holds a malformed subject key.");
        }

        var blob = ParseBucket(value, key, out var version, out var changeId, out var modelId);
        return Open(key, modelId, version, changeId, blob);
    }

    /// <summary>Splits a bucket value <c>version:changeId:modelLength:model</c> + blob.</summary>
    private static ReadOnlySpan<byte> ParseBucket(ReadOnlySpan<byte> value, SubjectKey key, out long version, out string changeId, out string modelId)
    {
        if (!Utf8Parser.TryParse(value, out version, out var used) || used >= value.Length || value[used] != (byte)':' || version <= 0)
        {
            throw Incomplete(key);
        }

        value = value[(used + 1)..];
        var colon = value.IndexOf((byte)':');
        if (colon <= 0) throw Incomplete(key);
        changeId = Encoding.ASCII.GetString(value[..colon]);
        value = value[(colon + 1)..];
        if (!Utf8Parser.TryParse(value, out int modelLength, out used) || used >= value.Length || value[used] != (byte)':'
            || modelLength <= 0 || modelLength > value.Length - used - 1)
        {
            throw Incomplete(key);
        }

        value = value[(used + 1)..];
        modelId = Encoding.UTF8.GetString(value[..modelLength]);
        return value[modelLength..];
    }

    private static TemplateIntegrityException Incomplete(SubjectKey key) => new($"The snapshot record of {key} is incomplete.");
}
