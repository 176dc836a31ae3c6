using System.Text.RegularExpressions;
using Biometrics.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Biometrics.Matcher.Store;

/// <summary>
/// <see cref="ITemplateStore"/> on Redis through <see cref="IRedisConnection"/>. Key layout, encryption, stream
/// format and durability are described in <c>docs/REDIS.md</c>. Create one per process, call
/// <see cref="InitializeAsync"/> once, share it. Thread-safe.
/// </summary>
public sealed partial class RedisTemplateStore : ITemplateStore, IDisposable
{
    private readonly IRedisConnection _connection;
    private readonly IRedisDatabase _db;
    private readonly TemplateStoreOptions _options;
    private readonly TemplateProtector _protector;
    private readonly ILogger _logger;
    private readonly string _templatePrefix;
    private readonly string _galleryPrefix;
    private readonly string _bucketPrefix;
    private readonly string _galleriesKey;
    private readonly string _changesKey;
    private readonly string _auditKey;
    private readonly string _noncePrefix;
    private readonly string _idempotencyPrefix;
    private readonly string _requestIndexPrefix;

    /// <summary>Creates the store; validates the options and loads the keys (throws <see cref="InvalidOperationException"/> when they are unusable).</summary>
    public RedisTemplateStore(IRedisConnection connection, TemplateStoreOptions options, ILogger<RedisTemplateStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        _connection = connection;
        _db = connection.GetDatabase();
        _options = options;
        _protector = TemplateProtector.FromOptions(options);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var p = options.KeyPrefix;
        _templatePrefix = p + ":t:";
        _galleryPrefix = p + ":g:";
        _bucketPrefix = p + ":b:";
        _galleriesKey = p + ":galleries";
        _changesKey = p + ":changes";
        _auditKey = p + ":audit";
        _noncePrefix = p + ":nonce:";
        _idempotencyPrefix = p + ":idem:";
        _requestIndexPrefix = p + ":idx:";
    }

    /// <summary>The Redis key of the change stream.</summary>
    public string ChangeStreamKey => _changesKey;

    /// <summary>
    /// Start-up: checks the connection and, when <see cref="TemplateStoreOptions.ConfigureAppendFsyncAlways"/> is set,
    /// turns on the AOF with <c>appendfsync always</c> so that every acknowledged write is on disk.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _db.PingAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_options.ConfigureAppendFsyncAlways)
        {
            await _db.ExecuteAsync("CONFIG", "SET", "appendonly", "yes").ConfigureAwait(false);
            await _db.ExecuteAsync("CONFIG", "SET", "appendfsync", "always").ConfigureAwait(false);
            LogDurability(_logger, "appendonly yes, appendfsync always");
        }
    }

    /// <inheritdoc />
    public SubjectKey GetSubjectKey(string subjectId)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        return _protector.Pseudonymise(subjectId);
    }

    private string TemplateKey(SubjectKey key) => _templatePrefix + key.Hex;

    /// <summary>The snapshot bucket of a subject: the first <see cref="SnapshotBucketBits"/> bits of its key, as a decimal number.</summary>
    private string BucketKey(SubjectKey key) => BucketKey(BucketOf(key));

    private string BucketKey(int bucket) => _bucketPrefix + bucket.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void ValidateGallery(string gallery)
    {
        if (gallery is null || !GalleryPattern().IsMatch(gallery))
        {
            throw new ArgumentException($"Gallery name '{gallery}' is invalid: use 1-64 of letters, digits, '_', '.', '-'.", nameof(gallery));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex GalleryPattern();

    /// <summary>Releases the key material (the connection is the caller's).</summary>
    public void Dispose() => _protector.Dispose();

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Template store durability: {Setting}")]
    private static partial void LogDurability(ILogger logger, string setting);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "Rejected stored template {SubjectKey}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string subjectKey, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Following the change stream failed ({Reason}); retrying in {DelayMs} ms")]
    private static partial void LogFollowRetry(ILogger logger, string reason, int delayMs);
}
