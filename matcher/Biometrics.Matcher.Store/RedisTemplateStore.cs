using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Biometrics.Matcher.Store;

/// <summary>
/// <see cref="ITemplateStore"/> on Redis (one server or a Redis Cluster) through StackExchange.Redis. Key layout,
/// sharding, encryption, stream format and durability are described in <c>docs/REDIS.md</c>. Create one per
/// process, call <see cref="InitializeAsync"/> once, share it. Thread-safe.
/// </summary>
public sealed partial class RedisTemplateStore : ITemplateStore, IDisposable
{
    private readonly IConnectionMultiplexer _connection;
    private readonly IConnectionMultiplexer _writeConnection;
    private readonly IDatabase _db;
    private readonly IDatabase _writeDb;
    private readonly TemplateStoreOptions _options;
    private readonly TemplateProtector _protector;
    private readonly ILogger _logger;
    private readonly string _prefix;
    private readonly string _auditKey;
    private readonly string _noncePrefix;
    private readonly string _idempotencyPrefix;
    private readonly RedisChannel _changesChannel;

    /// <summary>Shard hash tags (<c>{0}</c>..<c>{63}</c>) and per-shard key prefixes, computed once.</summary>
    private readonly string[] _shardPrefixes;

    /// <summary>Every snapshot bucket's key, encoded once: a Verify's <c>HGET</c> makes no key string (docs/PERFORMANCE.md, "Verify at peak").</summary>
    private readonly RedisKey[] _bucketKeys;

    /// <summary>
    /// Creates the store; validates the options and loads the keys (throws <see cref="InvalidOperationException"/> when
    /// they are unusable). <paramref name="writeConnection"/> (optional) carries enrolment writes and their
    /// <c>WAIT</c> for replicas, so a replica wait never holds up the reads on <paramref name="connection"/>; give one
    /// whenever <see cref="TemplateStoreOptions.WaitForReplicas"/> is set. The connections remain the caller's.
    /// </summary>
    public RedisTemplateStore(IConnectionMultiplexer connection, TemplateStoreOptions options, ILogger<RedisTemplateStore>? logger = null,
        IConnectionMultiplexer? writeConnection = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        _connection = connection;
        _writeConnection = writeConnection ?? connection;
        _db = connection.GetDatabase();
        _writeDb = _writeConnection.GetDatabase();
        _options = options;
        _protector = TemplateProtector.FromOptions(options);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _prefix = options.KeyPrefix;
        _auditKey = _prefix + ":audit";
        _noncePrefix = _prefix + ":nonce:";
        _idempotencyPrefix = _prefix + ":idem:";
        _changesChannel = RedisChannel.Literal(_prefix + ":changes");
        _shardPrefixes = new string[ShardCount];
        for (var s = 0; s < ShardCount; s++)
        {
            _shardPrefixes[s] = _prefix + ":{" + s.ToString(CultureInfo.InvariantCulture) + "}:";
        }

        _bucketKeys = new RedisKey[SubjectKey.BucketCount];
        for (var b = 0; b < _bucketKeys.Length; b++) _bucketKeys[b] = Encoding.UTF8.GetBytes(BucketKey(b));
    }

    /// <summary>
    /// Start-up: checks the connection and, when <see cref="TemplateStoreOptions.ConfigureAppendFsyncAlways"/> is set,
    /// turns on the AOF with <c>appendfsync always</c> on every server (primaries and replicas) so that every
    /// acknowledged write is on disk. That needs a connection with <c>allowAdmin=true</c>.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await Bounded(_db.PingAsync(), cancellationToken).ConfigureAwait(false);
        if (_options.ConfigureAppendFsyncAlways)
        {
            foreach (var server in _connection.GetServers())
            {
                if (!server.IsConnected) continue;
                await Bounded(server.ExecuteAsync("CONFIG", "SET", "appendonly", "yes"), cancellationToken).ConfigureAwait(false);
                await Bounded(server.ExecuteAsync("CONFIG", "SET", "appendfsync", "always"), cancellationToken).ConfigureAwait(false);
            }

            LogDurability(_logger, "appendonly yes, appendfsync always");
        }
    }

    /// <inheritdoc />
    public SubjectKey GetSubjectKey(string subjectId)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        return _protector.Pseudonymise(subjectId);
    }

    /// <summary>The key of a subject's record: <c>prefix:{shard}:t:subjectkey</c>.</summary>
    internal string TemplateKey(SubjectKey key) => _shardPrefixes[ShardOf(key)] + "t:" + key.Hex;

    /// <summary>
    /// The subject's index of enrolment request records (<c>prefix:{shard}:idx:subjectkey</c>, in the subject's shard),
    /// which erasure reads to blank them (docs/REDIS.md, "Enrolment requests").
    /// </summary>
    private string RequestIndexKey(SubjectKey key) => _shardPrefixes[ShardOf(key)] + "idx:" + key.Hex;

    /// <summary>The key of a snapshot bucket: <c>prefix:{shard}:b:bucket</c>.</summary>
    private string BucketKey(int bucket) => _shardPrefixes[bucket >> BucketsPerShardBits] + "b:" + bucket.ToString(CultureInfo.InvariantCulture);

    /// <summary>The change stream of a shard: <c>prefix:{shard}:changes</c>.</summary>
    internal string ChangesKey(int shard) => _shardPrefixes[shard] + "changes";

    private string GalleryKey(int shard, string gallery) => _shardPrefixes[shard] + "g:" + gallery;

    private string GalleriesKey(int shard) => _shardPrefixes[shard] + "galleries";

    /// <summary>
    /// Bounds a call by <see cref="TemplateStoreOptions.CommandTimeout"/> (or the caller's shorter <paramref name="limit"/>)
    /// and the caller's token, with one timer: a late reply is dropped (the library's own timeout is only a backstop) and
    /// the caller gets a <see cref="TimeoutException"/>.
    /// </summary>
    private Task<T> Bounded<T>(Task<T> call, CancellationToken cancellationToken, TimeSpan? limit = null)
        => call.IsCompleted ? call : call.WaitAsync(limit < _options.CommandTimeout ? limit.Value : _options.CommandTimeout, cancellationToken);

    private Task Bounded(Task call, CancellationToken cancellationToken)
        => call.IsCompleted ? call : call.WaitAsync(_options.CommandTimeout, cancellationToken);

    private static void ValidateGallery(string gallery)
    {
        if (gallery is null || !GalleryPattern().IsMatch(gallery))
        {
            throw new ArgumentException($"Gallery name '{gallery}' is invalid: use 1-64 of letters, digits, '_', '.', '-'.", nameof(gallery));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex GalleryPattern();

    /// <summary>Releases the key material (the connections are the caller's).</summary>
    public void Dispose() => _protector.Dispose();

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Template store durability: {Setting}")]
    private static partial void LogDurability(ILogger logger, string setting);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "Rejected stored template {SubjectKey}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string subjectKey, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Following the change stream failed ({Reason}); retrying in {DelayMs} ms")]
    private static partial void LogFollowRetry(ILogger logger, string reason, int delayMs);
}
