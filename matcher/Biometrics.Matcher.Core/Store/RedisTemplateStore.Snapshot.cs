using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Biometrics.Redis;

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

    private const int SubjectKeyHexLength = 64;

    /// <summary>The bucket of a subject: the top <see cref="SnapshotBucketBits"/> bits of its HMAC (uniformly spread).</summary>
    internal static int BucketOf(SubjectKey key)
    {
        var top = int.Parse(key.Hex.AsSpan(0, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return top >> (16 - SnapshotBucketBits);
    }

    /// <summary>Bucket reads kept in flight while earlier buckets are decrypted.</summary>
    private const int SnapshotReadsInFlight = 64;

    /// <inheritdoc />
    public async Task<TemplateSnapshot> LoadSnapshotAsync(Action<StoredTemplate> onTemplate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onTemplate);
        // The position is taken before the buckets are read: every change after it is replayed by FollowAsync (which
        // fetches the subject's current record, so replaying a change the buckets already showed is harmless), and
        // every change up to it is in the buckets (each write updates its bucket in the same atomic script).
        var position = await GetLatestPositionAsync().ConfigureAwait(false);
        long loaded = 0, rejected = 0;
        var reads = new Queue<ValueTask<RedisResult>>(SnapshotReadsInFlight);
        var next = 0;
        while (next < SnapshotBucketCount && reads.Count < SnapshotReadsInFlight) reads.Enqueue(ReadBucketAsync(next++));
        for (var bucket = 0; bucket < SnapshotBucketCount; bucket++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var reply = await reads.Dequeue().ConfigureAwait(false);
            if (next < SnapshotBucketCount) reads.Enqueue(ReadBucketAsync(next++));
            // HGETALL: field (subject key), value, field, value, ...
            var items = reply.Elements;
            if (items.Count == 0) continue;
            var count = items.Count / 2;
            var opened = new StoredTemplate?[count];
            var errors = new string?[count];
            void OpenOne(int i)
            {
                try
                {
                    opened[i] = OpenBucketEntry(items[2 * i].AsBytes(), items[(2 * i) + 1].AsBytes());
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
                    LogRejected(_logger, items[2 * i].AsString() ?? string.Empty, error);
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
    /// it is safe while enrolments continue). Needed once for data written before snapshot buckets existed; returns
    /// the number of records copied. Slow (a SCAN plus one script per subject): a maintenance task, not a start-up step.
    /// </summary>
    public async Task<long> RebuildSnapshotBucketsAsync(CancellationToken cancellationToken = default)
    {
        long copied = 0, cursor = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await _db.ScanAsync(cursor, _templatePrefix + "*", _options.SnapshotScanCount, "hash").ConfigureAwait(false);
            var writes = new ValueTask<RedisResult>[page.Items.Length];
            for (var i = 0; i < writes.Length; i++)
            {
                var key = new SubjectKey(page.Items[i][_templatePrefix.Length..]);
                writes[i] = _db.ScriptEvaluateAsync(s_rebuildBucketScript, [page.Items[i], BucketKey(key)], [key.Hex]);
            }

            foreach (var w in writes) copied += (await w.ConfigureAwait(false)).AsInt64();
            cursor = page.Cursor;
        }
        while (cursor != 0);
        return copied;
    }

    private ValueTask<RedisResult> ReadBucketAsync(int bucket) => _db.ExecuteAsync("HGETALL", BucketKey(bucket));

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
