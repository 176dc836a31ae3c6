using System.Globalization;
using System.Text;
using Biometrics.Redis;

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
        var fields = await _db.HashGetManyAsync(TemplateKey(subjectKey), s_templateFields).ConfigureAwait(false);
        var model = fields[1] is { } m ? Encoding.UTF8.GetString(m) : null;
        if (requiredModelId is not null && model is not null && model != requiredModelId)
        {
            throw new TemplateModelMismatchException(model, requiredModelId);
        }

        return Open(subjectKey, fields);
    }

    /// <summary>Authenticates and decrypts HMGET c m v s; null when the hash does not exist.</summary>
    private StoredTemplate? Open(SubjectKey key, byte[]?[] fields)
    {
        if (fields[0] is null && fields[1] is null && fields[2] is null)
        {
            return null;
        }

        if (fields[0] is not { } blob || fields[1] is not { } model || fields[2] is not { } versionText
            || !long.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new TemplateIntegrityException($"The stored record of {key} is incomplete.");
        }

        var modelId = Encoding.UTF8.GetString(model);
        var plaintext = _protector.Unprotect(key, modelId, version, blob);
        var changeId = fields[3] is { } s ? Encoding.UTF8.GetString(s) : string.Empty;
        return TemplatePayload.Read(plaintext, key, modelId, version, changeId);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> GetGalleriesAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var names = await _db.SetMembersAsync(_galleriesKey).ConfigureAwait(false);
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SubjectKey>> GetGalleryMembersAsync(string gallery, CancellationToken cancellationToken = default)
    {
        ValidateGallery(gallery);
        var members = new List<SubjectKey>();
        long cursor = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await _db.SetScanAsync(_galleryPrefix + gallery, cursor, count: 1000).ConfigureAwait(false);
            foreach (var m in page.Items) members.Add(new SubjectKey(m));
            cursor = page.Cursor;
        }
        while (cursor != 0);
        return members;
    }

    /// <inheritdoc />
    public async Task<long> GetGallerySizeAsync(string gallery, CancellationToken cancellationToken = default)
    {
        ValidateGallery(gallery);
        cancellationToken.ThrowIfCancellationRequested();
        return await _db.SetLengthAsync(_galleryPrefix + gallery).ConfigureAwait(false);
    }
}
