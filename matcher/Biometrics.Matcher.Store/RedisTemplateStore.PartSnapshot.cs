using StackExchange.Redis;

namespace Biometrics.Matcher.Store;

public sealed partial class RedisTemplateStore
{
    /// <inheritdoc />
    /// <remarks>
    /// As <see cref="LoadSnapshotRowsAsync"/> (the same buckets in flight, in bucket order), over the part's buckets only
    /// (<c>HGETALL</c>); from every other bucket only the members of the whole galleries (<c>HMGET</c> of their fields,
    /// the members read from the gallery sets after the position is taken, so a later change is replayed by following).
    /// A matcher of one part of three reads and decrypts about a third of the snapshot (docs/SCALING.md, "Split galleries").
    /// </remarks>
    public async Task<TemplateSnapshot> LoadSnapshotPartRowsAsync(SnapshotPart part, SnapshotTemplateHandler onTemplate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(part);
        ArgumentNullException.ThrowIfNull(onTemplate);
        var position = await GetLatestPositionAsync(cancellationToken).ConfigureAwait(false);
        var outside = new Dictionary<int, List<RedisValue>>();
        foreach (var gallery in part.WholeGalleries)
        {
            foreach (var key in await GetGalleryMembersAsync(gallery, cancellationToken).ConfigureAwait(false))
            {
                var bucket = key.Bucket;
                if (part.Contains(bucket)) continue;
                if (!outside.TryGetValue(bucket, out var fields)) outside[bucket] = fields = [];
                fields.Add(key.Hex);
            }
        }

        var reads = new List<Func<Task<BucketRows>>>(Math.Max(0, part.EndBucket - part.FirstBucket) + outside.Count);
        for (var b = 0; b < SnapshotBucketCount; b++)
        {
            var bucket = b;
            if (part.Contains(bucket)) reads.Add(() => ReadBucketRowsAsync(bucket, cancellationToken));
            else if (outside.TryGetValue(bucket, out var fields)) reads.Add(() => ReadBucketFieldsAsync(bucket, [.. fields.Distinct()], cancellationToken));
        }

        return await DeliverBucketsAsync(position, reads.Count, i => reads[i](), onTemplate, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Some entries of one bucket (those of <paramref name="fields"/> still there), opened as the bulk path opens a whole bucket.</summary>
    private async Task<BucketRows> ReadBucketFieldsAsync(int bucket, RedisValue[] fields, CancellationToken cancellationToken)
    {
        var values = await Bounded(_db.HashGetAsync(BucketKey(bucket), fields), cancellationToken).ConfigureAwait(false);
        await Task.Yield();
        var items = new List<HashEntry>(values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            if (!values[i].IsNull) items.Add(new HashEntry(fields[i], values[i]));
        }

        return BucketRows.Open(this, [.. items]);
    }
}
