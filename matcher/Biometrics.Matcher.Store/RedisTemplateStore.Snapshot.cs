using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
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
    internal const int SnapshotBucketBits = SubjectKey.BucketBits;

    /// <summary>Number of snapshot buckets.</summary>
    internal const int SnapshotBucketCount = SubjectKey.BucketCount;

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

    /// <summary>The shard of a subject: the top <see cref="ShardBits"/> bits of its HMAC.</summary>
    internal static int ShardOf(SubjectKey key) => key.Bucket >> BucketsPerShardBits;

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

    /// <inheritdoc />
    /// <remarks>
    /// The bulk path of a start: as <see cref="LoadSnapshotAsync"/> (the same buckets in flight, the same order), but each
    /// bucket's entries are decrypted into one pooled buffer and delivered as views into it; no template object, vector
    /// array, subject id or per-template gallery list is made (docs/PERFORMANCE.md, "Restart").
    /// </remarks>
    public async Task<TemplateSnapshot> LoadSnapshotRowsAsync(SnapshotTemplateHandler onTemplate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onTemplate);
        var position = await GetLatestPositionAsync(cancellationToken).ConfigureAwait(false);
        return await DeliverBucketsAsync(position, SnapshotBucketCount, bucket => ReadBucketRowsAsync(bucket, cancellationToken), onTemplate, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Reads <paramref name="count"/> buckets through <paramref name="read"/>, <see cref="SnapshotBucketsInFlight"/> at a
    /// time and delivered in order, and wipes those still in flight when it fails; for the whole snapshot and one part.
    /// </summary>
    private async Task<TemplateSnapshot> DeliverBucketsAsync(
        ChangeStreamPosition position, int count, Func<int, Task<BucketRows>> read, SnapshotTemplateHandler onTemplate, CancellationToken cancellationToken)
    {
        long loaded = 0, rejected = 0;
        var buckets = new Queue<Task<BucketRows>>(SnapshotBucketsInFlight);
        var next = 0;
        try
        {
            while (next < count && buckets.Count < SnapshotBucketsInFlight) buckets.Enqueue(read(next++));
            while (buckets.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var bucket = await buckets.Dequeue().ConfigureAwait(false);
                if (next < count) buckets.Enqueue(read(next++));
                try
                {
                    loaded += bucket.Deliver(onTemplate);
                }
                finally
                {
                    bucket.Dispose();
                }

                foreach (var (field, error) in bucket.Errors ?? [])
                {
                    rejected++;
                    LogRejected(_logger, field, error);
                }
            }
        }
        catch
        {
            // The buckets still in flight hold decrypted templates in pooled buffers: wipe them before leaving.
            foreach (var pending in buckets)
            {
                try
                {
                    (await pending.ConfigureAwait(false)).Dispose();
                }
                catch (Exception)
                {
                    // already failing; the first error is the one to report
                }
            }

            throw;
        }

        return new TemplateSnapshot(position, loaded, rejected);
    }

    private async Task<BucketRows> ReadBucketRowsAsync(int bucket, CancellationToken cancellationToken)
    {
        var items = await Bounded(_db.HashGetAllAsync(BucketKey(bucket)), cancellationToken).ConfigureAwait(false);
        // Not on the client's reader: the rest runs on a thread-pool thread, beside the other buckets' decryption.
        await Task.Yield();
        return BucketRows.Open(this, items);
    }

    /// <summary>
    /// One bucket's templates decrypted into a pooled buffer (wiped when disposed): per entry its key, model, galleries
    /// (one array per distinct list in the bucket) and where its vector lies in the buffer; the rejected entries apart.
    /// </summary>
    private sealed class BucketRows : IDisposable
    {
        private readonly byte[] _plain;
        private readonly Row[] _rows;
        private int _count;
        private int _used;

        private BucketRows(int plainBytes, int entries)
        {
            _plain = ArrayPool<byte>.Shared.Rent(Math.Max(1, plainBytes));
            _rows = new Row[entries];
        }

        public List<(string Field, string Error)>? Errors { get; private set; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static BucketRows Open(RedisTemplateStore store, HashEntry[] items)
        {
            var bytes = 0;
            foreach (var item in items) bytes += (int)item.Value.Length();
            var rows = new BucketRows(bytes, items.Length);
            string? model = null;
            for (var i = 0; i < items.Length; i++)
            {
                try
                {
                    rows.Add(store, (byte[]?)items[i].Name, (byte[]?)items[i].Value, ref model);
                }
                catch (TemplateIntegrityException ex)
                {
                    (rows.Errors ??= []).Add((items[i].Name.ToString(), ex.Message));
                }
            }

            return rows;
        }

        /// <summary>Hands every template to <paramref name="onTemplate"/> in field order; returns how many.</summary>
        public int Deliver(SnapshotTemplateHandler onTemplate)
        {
            for (var i = 0; i < _count; i++)
            {
                ref readonly var r = ref _rows[i];
                var vector = MemoryMarshal.Cast<byte, float>(_plain.AsSpan(r.VectorOffset, r.Dimension * sizeof(float)));
                onTemplate(new SnapshotTemplate(r.Key, vector, r.ModelId, r.Galleries));
            }

            return _count;
        }

        public void Dispose()
        {
            // The pooled buffer goes back to other users: no subject id or template left in it.
            CryptographicOperations.ZeroMemory(_plain.AsSpan(0, _used));
            _used = 0;
            _count = 0;
            ArrayPool<byte>.Shared.Return(_plain);
        }

        private void Add(RedisTemplateStore store, byte[]? field, byte[]? value, ref string? model)
        {
            var key = EntryKey(field, value);

            var blob = ParseBucket(value, key, out var version, out var modelBytes);
            // One string per model in the bucket (there is one model in practice), not one per template.
            if (model is null || !Ascii.Equals(modelBytes, model)) model = Encoding.UTF8.GetString(modelBytes);
            var length = TemplateProtector.PlaintextLength(blob);
            var plain = _plain.AsSpan(_used, length);
            store._protector.Unprotect(key, modelBytes, version, blob, plain);
            var start = _used;
            _used += length;
            TemplatePayload.LocateVector(plain, key, out var vectorOffset, out var dimension, out var listOffset, out var listLength);
            var list = plain.Slice(listOffset, listLength);
            _rows[_count++] = new Row(key, model, GalleriesOf(list), start + vectorOffset, dimension, start + listOffset, listLength);
        }

        /// <summary>The array of an earlier entry of the bucket with the same gallery list, or a new one.</summary>
        private string[] GalleriesOf(ReadOnlySpan<byte> list)
        {
            for (var i = _count - 1; i >= 0 && i >= _count - 4; i--)
            {
                ref readonly var r = ref _rows[i];
                if (r.ListLength == list.Length && _plain.AsSpan(r.ListOffset, r.ListLength).SequenceEqual(list)) return r.Galleries;
            }

            return TemplatePayload.ReadGalleries(list);
        }

        private readonly record struct Row(SubjectKey Key, string ModelId, string[] Galleries, int VectorOffset, int Dimension, int ListOffset, int ListLength);
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
                writes.Add(_writeDb.ScriptEvaluateAsync(s_rebuildBucketScript, [k, BucketKey(key.Bucket)], [key.Hex]));
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

    /// <summary>The subject key of one bucket entry (its field), checked with the entry's shape.</summary>
    private static SubjectKey EntryKey([System.Diagnostics.CodeAnalysis.NotNull] byte[]? field, [System.Diagnostics.CodeAnalysis.NotNull] byte[]? value)
    {
        if (field is null || field.Length != SubjectKeyHexLength || value is null)
        {
            throw new TemplateIntegrityException("A snapshot bucket holds a malformed entry.");
        }

        try
        {
            return new SubjectKey(Encoding.ASCII.GetString(field));
        }
        catch (FormatException)
        {
            throw new TemplateIntegrityException("A snapshot bucket holds a malformed subject key.");
        }
    }

    /// <summary>Parses and opens one bucket entry (field: subject key; value: <c>version:changeId:modelLength:model</c> then the blob).</summary>
    private StoredTemplate OpenBucketEntry(byte[]? field, byte[]? value)
    {
        var key = EntryKey(field, value);

        var blob = ParseBucket(value, key, out var version, out var changeId, out var modelId);
        return Open(key, modelId, version, changeId, blob);
    }

    /// <summary>Splits a bucket value <c>version:changeId:modelLength:model</c> + blob.</summary>
    private static ReadOnlySpan<byte> ParseBucket(ReadOnlySpan<byte> value, SubjectKey key, out long version, out string changeId, out string modelId)
    {
        var blob = SplitBucket(value, key, out version, out var change, out var model);
        changeId = Encoding.ASCII.GetString(change);
        modelId = Encoding.UTF8.GetString(model);
        return blob;
    }

    /// <summary>Splits a bucket value as above for the bulk path and Verify's read: the model_id stays bytes.</summary>
    private static ReadOnlySpan<byte> ParseBucket(ReadOnlySpan<byte> value, SubjectKey key, out long version, out ReadOnlySpan<byte> modelId)
        => SplitBucket(value, key, out version, out _, out modelId);

    /// <summary>Splits a bucket value into its version, change id, model_id and blob, each as bytes of the value.</summary>
    private static ReadOnlySpan<byte> SplitBucket(ReadOnlySpan<byte> value, SubjectKey key, out long version, out ReadOnlySpan<byte> changeId,
        out ReadOnlySpan<byte> modelId)
    {
        if (!Utf8Parser.TryParse(value, out version, out var used) || used >= value.Length || value[used] != (byte)':' || version <= 0)
        {
            throw Incomplete(key);
        }

        value = value[(used + 1)..];
        var colon = value.IndexOf((byte)':');
        if (colon <= 0) throw Incomplete(key);
        changeId = value[..colon];
        value = value[(colon + 1)..];
        if (!Utf8Parser.TryParse(value, out int modelLength, out used) || used >= value.Length || value[used] != (byte)':'
            || modelLength <= 0 || modelLength > value.Length - used - 1)
        {
            throw Incomplete(key);
        }

        value = value[(used + 1)..];
        modelId = value[..modelLength];
        return value[modelLength..];
    }

    private static TemplateIntegrityException Incomplete(SubjectKey key) => new($"The snapshot record of {key} is incomplete.");
}
