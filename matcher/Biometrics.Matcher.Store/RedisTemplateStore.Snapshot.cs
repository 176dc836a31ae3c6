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

    /// <summary>Bucket reads kept in flight while earlier buckets are decrypted.</summary>
    private const int SnapshotReadsInFlight = 64;

    /// <inheritdoc />
    public async Task<TemplateSnapshot> LoadSnapshotAsync(Action<StoredTemplate> onTemplate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onTemplate);
        // The positions (one per shard) are taken before the buckets are read: every change after them is replayed by
        // FollowAsync (which fetches the subject's current record, so replaying a change the buckets already showed is
        // harmless), and every change up to them is in the buckets (each write updates its bucket in the same atomic
        // script as its shard's change entry).
        var position = await GetLatestPositionAsync(cancellationToken).ConfigureAwait(false);
        long loaded = 0, rejected = 0;
        var reads = new Queue<Task<HashEntry[]>>(SnapshotReadsInFlight);
        var next = 0;
        while (next < SnapshotBucketCount && reads.Count < SnapshotReadsInFlight) reads.Enqueue(_db.HashGetAllAsync(BucketKey(next++)));
        for (var bucket = 0; bucket < SnapshotBucketCount; bucket++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var items = await Bounded(reads.Dequeue(), cancellationToken).ConfigureAwait(false);
            if (next < SnapshotBucketCount) reads.Enqueue(_db.HashGetAllAsync(BucketKey(next++)));
            if (items.Length == 0) continue;
            var count = items.Length;
            var opened = new StoredTemplate?[count];
            var errors = new string?[count];
            void OpenOne(int i)
            {
                try
                {
                    opened[i] = OpenBucketEntry((byte[]?)items[i].Name, (byte[]?)items[i].Value);
                }
                catch (TemplateIntegrityException ex)
                {
                    errors[i] = ex.Message;
                }
            }

            // Authenticate and decrypt on every core; deliver sequentially, in bucket order.
            if (count >= 16) Parallel.For(0, count, OpenOne);
            else for (var i = 0; i < count; i++) OpenOne(i);
            for (var i = 0; i < opened.Length; i++)
            {
                if (errors[i] is { } error)
                {
                    rejected++;
                    LogRejected(_logger, items[i].Name.ToString(), error);
                }
                else if (opened[i] is { } template)
                {
                    onTemplate(template);
                    loaded++;
                }
            }
        }

        return new TemplateSnapshot(position, loaded, rejected);
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
        var plaintext = _protector.Unprotect(key, modelId, version, blob);
        return TemplatePayload.Read(plaintext, key, modelId, version, changeId);
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
