using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Biometrics.Redis;

namespace Biometrics.Matcher.Store;

public sealed partial class RedisTemplateStore
{
    /// <summary>
    /// Hex digits of the subject key that pick its snapshot bucket: 3 digits, 4,096 buckets (about 250 templates,
    /// 0.5 MB, per bucket at 1,000,000 templates). Part of the data layout: changing it needs a bucket rebuild.
    /// </summary>
    internal const int SnapshotBucketHexDigits = 3;

    /// <summary>Number of snapshot buckets (16 ^ <see cref="SnapshotBucketHexDigits"/>).</summary>
    internal const int SnapshotBucketCount = 1 << (4 * SnapshotBucketHexDigits);

    private const int SubjectKeyHexLength = 64, BucketLengthDigits = 8;

    /// <summary>Bucket reads kept in flight while earlier buckets are decrypted.</summary>
    private const int SnapshotReadsInFlight = 16;

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
            var data = reply.AsBytes();
            if (data is null || data.Length == 0) continue;

            var entries = SplitBucket(data, bucket);
            var opened = new StoredTemplate?[entries.Count];
            var errors = new string?[entries.Count];
            void OpenOne(int i)
            {
                try
                {
                    opened[i] = OpenBucketEntry(data, entries[i]);
                }
                catch (TemplateIntegrityException ex)
                {
                    errors[i] = ex.Message;
                }
            }

            // Authenticate and decrypt on every core; deliver sequentially, in bucket order.
            if (entries.Count >= 16) Parallel.For(0, entries.Count, OpenOne);
            else for (var i = 0; i < entries.Count; i++) OpenOne(i);
            for (var i = 0; i < opened.Length; i++)
            {
                if (errors[i] is { } error)
                {
                    rejected++;
                    LogRejected(_logger, Encoding.ASCII.GetString(data, entries[i].Offset, SubjectKeyHexLength), error);
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

    private ValueTask<RedisResult> ReadBucketAsync(int bucket)
        => _db.ScriptEvaluateAsync(s_bucketScript, [_bucketPrefix + bucket.ToString("x3", CultureInfo.InvariantCulture)], []);

    /// <summary>Entry offsets (subject key start) and value lengths of one bucket reply; a broken frame ends the bucket (logged).</summary>
    private List<(int Offset, int Length)> SplitBucket(byte[] data, int bucket)
    {
        var entries = new List<(int Offset, int Length)>(data.Length / 2200 + 1);
        var p = 0;
        while (p < data.Length)
        {
            var header = SubjectKeyHexLength + BucketLengthDigits;
            if (data.Length - p < header
                || !Utf8Parser.TryParse(data.AsSpan(p + SubjectKeyHexLength, BucketLengthDigits), out uint length, out var used, 'x')
                || used != BucketLengthDigits
                || length > data.Length - p - header)
            {
                LogRejected(_logger, "bucket " + bucket.ToString("x3", CultureInfo.InvariantCulture), "the snapshot bucket reply is malformed; the rest of the bucket is skipped");
                break;
            }

            entries.Add((p, (int)length));
            p += header + (int)length;
        }

        return entries;
    }

    /// <summary>Parses and opens one bucket entry: <c>version:changeId:modelLength:model</c> then the blob.</summary>
    private StoredTemplate OpenBucketEntry(byte[] data, (int Offset, int Length) entry)
    {
        SubjectKey key;
        try
        {
            key = new SubjectKey(Encoding.ASCII.GetString(data, entry.Offset, SubjectKeyHexLength));
        }
        catch (FormatException)
        {
            throw new TemplateIntegrityException("A snapshot bucket holds a malformed subject key.");
        }

        var blob = ParseBucket(data.AsSpan(entry.Offset + SubjectKeyHexLength + BucketLengthDigits, entry.Length), key, out var version, out var changeId, out var modelId);
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
