namespace Biometrics.Matcher.Store;

/// <summary>
/// Configuration of <see cref="RedisTemplateStore"/>. Key material never lives in code: each key comes either
/// from a file (raw 32 bytes, or base64 text) or from a base64 value (typically bound from an environment
/// variable, see <see cref="ApplyEnvironment"/>). Call <see cref="Validate"/> (or register
/// <see cref="TemplateStoreOptionsValidator"/>) before use.
/// </summary>
public sealed class TemplateStoreOptions
{
    /// <summary>Environment variable read by <see cref="ApplyEnvironment"/> for the pseudonymisation key (base64).</summary>
    public const string PseudonymisationKeyVariable = "BIOMETRICS_PSEUDONYMISATION_KEY";

    /// <summary>Environment variable read by <see cref="ApplyEnvironment"/> for the template encryption key (base64).</summary>
    public const string EncryptionKeyVariable = "BIOMETRICS_TEMPLATE_ENCRYPTION_KEY";

    /// <summary>Prefix of every Redis key the store uses (letters, digits, <c>_.-</c>).</summary>
    public string KeyPrefix { get; set; } = "bio";

    /// <summary>File holding the HMAC-SHA256 pseudonymisation key (at least 32 bytes; raw or base64 text).</summary>
    public string? PseudonymisationKeyFile { get; set; }

    /// <summary>The pseudonymisation key as base64 (alternative to the file).</summary>
    public string? PseudonymisationKeyBase64 { get; set; }

    /// <summary>File holding the AES-256-GCM key that encrypts new templates (32 bytes; raw or base64 text).</summary>
    public string? EncryptionKeyFile { get; set; }

    /// <summary>The encryption key as base64 (alternative to the file).</summary>
    public string? EncryptionKeyBase64 { get; set; }

    /// <summary>Older encryption keys (files), accepted for decryption only during a key rotation.</summary>
    public IList<string> PreviousEncryptionKeyFiles { get; set; } = new List<string>();

    /// <summary>Older encryption keys (base64), accepted for decryption only during a key rotation.</summary>
    public IList<string> PreviousEncryptionKeysBase64 { get; set; } = new List<string>();

    /// <summary>Length every stored vector must have.</summary>
    public int VectorDimension { get; set; } = 512;

    /// <summary>Approximate cap (<c>MAXLEN ~</c>) of the change stream. A replica further behind than this must reload the snapshot.</summary>
    public long ChangeStreamMaxLength { get; set; } = 1_000_000;

    /// <summary>
    /// Approximate cap of the audit stream, in records. An entry holds one append of the audit trail (1 to
    /// <see cref="RedisTemplateStore.AuditRecordsPerEntry"/> records), so each <c>XADD</c> trims to <c>MAXLEN ~</c> this
    /// divided by the running mean of records per entry (docs/REDIS.md, "Audit stream").
    /// </summary>
    public long AuditStreamMaxLength { get; set; } = 10_000_000;

    /// <summary>Run <c>CONFIG SET appendonly yes</c> and <c>CONFIG SET appendfsync always</c> in <see cref="RedisTemplateStore.InitializeAsync"/>.</summary>
    public bool ConfigureAppendFsyncAlways { get; set; }

    /// <summary>After each write, <c>WAIT</c> for this many replicas of the primary that took it (0: do not wait).</summary>
    public int WaitForReplicas { get; set; }

    /// <summary>How long <c>WAIT</c> may block.</summary>
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Templates per atomic bulk-upsert script call (and per change-stream entry).</summary>
    public int BulkBatchSize { get; set; } = 256;

    /// <summary>How long an enrolment request id remembers its result.</summary>
    public TimeSpan IdempotencyTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Keys per <c>SCAN</c> page while loading a snapshot.</summary>
    public int SnapshotScanCount { get; set; } = 2000;

    /// <summary>
    /// How long <see cref="RedisTemplateStore.FollowAsync"/> waits for a change notification before it reads the
    /// change streams anyway (a notification can be lost while the connection is re-established).
    /// </summary>
    public TimeSpan FollowPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Deadline of each store call to Redis, enforced by the store: when it passes, the call fails with
    /// <see cref="TimeoutException"/> and a late reply is dropped. Callers with a tighter deadline pass a token.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Fills unset base64 key values from <see cref="PseudonymisationKeyVariable"/> and <see cref="EncryptionKeyVariable"/>.</summary>
    public TemplateStoreOptions ApplyEnvironment()
    {
        if (PseudonymisationKeyFile is null && PseudonymisationKeyBase64 is null)
        {
            PseudonymisationKeyBase64 = Environment.GetEnvironmentVariable(PseudonymisationKeyVariable);
        }

        if (EncryptionKeyFile is null && EncryptionKeyBase64 is null)
        {
            EncryptionKeyBase64 = Environment.GetEnvironmentVariable(EncryptionKeyVariable);
        }

        return this;
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> listing every problem (missing or malformed keys, bad limits).</summary>
    public void Validate()
    {
        var errors = TemplateStoreOptionsValidator.Check(this);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid template store options: " + string.Join(" ", errors));
        }
    }
}
