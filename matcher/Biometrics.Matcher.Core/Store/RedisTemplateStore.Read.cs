using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace Biometrics.Matcher.Store;

public sealed partial class RedisTemplateStore
{
    private static readonly RedisValue[] s_templateFields = ["c", "m", "v", "s"];

    /// <inheritdoc />
    public Task<StoredTemplate?> GetAsync(string subjectId, string? requiredModelId = null, CancellationToken cancellationToken = default)
        => GetByKeyAsync(GetSubjectKey(subjectId), requiredModelId, cancellationToken);

    /// <inheritdoc />
    public async Task<StoredTemplate?> GetByKeyAsync(SubjectKey subjectKey, string? requiredModelId = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var fields = await Bounded(_db.HashGetAsync(TemplateKey(subjectKey), s_templateFields), cancellationToken).ConfigureAwait(false);
        var model = fields[1].IsNull ? null : (string?)fields[1];
        if (requiredModelId is not null && model is not null && model != requiredModelId)
        {
            throw new TemplateModelMismatchException(model, requiredModelId);
        }

        return Open(subjectKey, fields);
    }

    /// <summary>Authenticates and decrypts HMGET c m v s; null when the hash does not exist.</summary>
    private StoredTemplate? Open(SubjectKey key, RedisValue[] fields)
    {
        if (fields[0].IsNull && fields[1].IsNull && fields[2].IsNull)
        {
            return null;
        }

        if ((byte[]?)fields[0] is not { } blob || (byte[]?)fields[1] is not { } model || (byte[]?)fields[2] is not { } versionText
            || !long.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new TemplateIntegrityException($"The stored record of {key} is incomplete.");
        }

        var modelId = Encoding.UTF8.GetString(model);
        var plaintext = _protector.Unprotect(key, modelId, version, blob);
        var changeId = fields[3].IsNull ? string.Empty : (string)fields[3]!;
        return TemplatePayload.Read(plaintext, key, modelId, version, changeId);
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
