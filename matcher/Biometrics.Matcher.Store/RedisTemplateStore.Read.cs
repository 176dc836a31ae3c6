using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Biometrics.Matcher.Store;

public sealed partial class RedisTemplateStore
{
    /// <inheritdoc />
    public Task<StoredTemplate?> GetAsync(string subjectId, string? requiredModelId = null, CancellationToken cancellationToken = default)
        => GetByKeyAsync(GetSubjectKey(subjectId), requiredModelId, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Reads the subject's snapshot bucket entry (one <c>HGET</c> value into a pooled buffer): it holds version, change
    /// id, model_id and blob, is written in the same atomic script as the record, and is authenticated the same way.
    /// One value instead of an <c>HMGET</c> of four costs the client about 8 % less CPU (docs/PERFORMANCE.md).
    /// </remarks>
    public async Task<StoredTemplate?> GetByKeyAsync(SubjectKey subjectKey, string? requiredModelId = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var lease = await Bounded(_db.HashGetLeaseAsync(_bucketKeys[subjectKey.Bucket], subjectKey.Hex), cancellationToken).ConfigureAwait(false);
        return lease is null ? null : OpenEntry(subjectKey, lease.Span, requiredModelId);
    }

    /// <inheritdoc />
    /// <remarks>The same <c>HGET</c> as <see cref="GetByKeyAsync"/>, with one timer for both bounds (the caller's
    /// <paramref name="timeout"/> and the command timeout); of the plaintext only the vector is read, in the pooled
    /// buffer, and the entry's model_id is compared as bytes, so a Verify allocates no template and no string for it
    /// (docs/PERFORMANCE.md, "Verify at peak").</remarks>
    public async Task<TemplateScore?> ScoreAsync(string subjectId, ReadOnlyMemory<float> probe, string probeModelId, VectorScore score,
        TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(score);
        var key = GetSubjectKey(subjectId);
        cancellationToken.ThrowIfCancellationRequested();
        using var lease = await Bounded(_db.HashGetLeaseAsync(_bucketKeys[key.Bucket], key.Hex), cancellationToken, timeout).ConfigureAwait(false);
        return lease is null ? null : ScoreEntry(key, lease.Span, probe.Span, probeModelId, score);
    }

    private TemplateScore ScoreEntry(SubjectKey key, ReadOnlySpan<byte> value, ReadOnlySpan<float> probe, string probeModelId, VectorScore score)
    {
        var blob = ParseBucket(value, key, out var version, out ReadOnlySpan<byte> model);
        var length = TemplateProtector.PlaintextLength(blob);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            // Authenticated whatever its model, as GetAsync does: a tampered entry is an integrity failure, not a mismatch.
            _protector.Unprotect(key, model, version, blob, buffer.AsSpan(0, length));
            var same = Ascii.Equals(model, probeModelId) || Encoding.UTF8.GetString(model) == probeModelId;
            return new TemplateScore(key, same ? probeModelId : Encoding.UTF8.GetString(model),
                same ? score(probe, TemplatePayload.Vector(buffer.AsSpan(0, length), key)) : null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, length));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Authenticates and decrypts a bucket entry (<c>version:changeId:modelLength:model</c> + blob) of
    /// <paramref name="key"/>; <paramref name="requiredModelId"/>, when set, must match before anything is decrypted.
    /// </summary>
    private StoredTemplate OpenEntry(SubjectKey key, ReadOnlySpan<byte> value, string? requiredModelId)
    {
        var blob = ParseBucket(value, key, out var version, out var changeId, out var modelId);
        if (requiredModelId is not null && modelId != requiredModelId)
        {
            throw new TemplateModelMismatchException(modelId, requiredModelId);
        }

        return Open(key, modelId, version, changeId, blob);
    }

    /// <summary>Authenticates and decrypts a blob into a pooled buffer and reads the template from it.</summary>
    private StoredTemplate Open(SubjectKey key, string modelId, long version, string changeId, ReadOnlySpan<byte> blob)
    {
        var length = TemplateProtector.PlaintextLength(blob);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            _protector.Unprotect(key, modelId, version, blob, buffer.AsSpan(0, length));
            return TemplatePayload.Read(buffer.AsSpan(0, length), key, modelId, version, changeId);
        }
        finally
        {
            // The pooled buffer goes back to other users: no subject id or template left in it.
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, length));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> GetGalleriesAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var reads = new Task<RedisValue[]>[ShardCount];
        for (var s = 0; s < ShardCount; s++) reads[s] = _db.SetMembersAsync(GalleriesKey(s));
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var read in reads)
        {
            foreach (var name in await Bounded(read, cancellationToken).ConfigureAwait(false)) names.Add(name!);
        }

        return [.. names];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SubjectKey>> GetGalleryMembersAsync(string gallery, CancellationToken cancellationToken = default)
    {
        ValidateGallery(gallery);
        var members = new List<SubjectKey>();
        for (var s = 0; s < ShardCount; s++)
        {
            await foreach (var m in _db.SetScanAsync(GalleryKey(s, gallery), pageSize: 1000).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                members.Add(new SubjectKey(m!));
            }
        }

        return members;
    }

    /// <inheritdoc />
    public async Task<long> GetGallerySizeAsync(string gallery, CancellationToken cancellationToken = default)
    {
        ValidateGallery(gallery);
        cancellationToken.ThrowIfCancellationRequested();
        var reads = new Task<long>[ShardCount];
        for (var s = 0; s < ShardCount; s++) reads[s] = _db.SetLengthAsync(GalleryKey(s, gallery));
        long total = 0;
        foreach (var read in reads) total += await Bounded(read, cancellationToken).ConfigureAwait(false);
        return total;
    }
}
