using System.Globalization;
using StackExchange.Redis;

namespace Biometrics.Matcher.Store;

public sealed partial class RedisTemplateStore
{
    /// <inheritdoc />
    public async Task<bool> TryConsumeNonceAsync(string nonce, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        if (ttl <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ttl), "The nonce TTL must be positive.");
        cancellationToken.ThrowIfCancellationRequested();
        // The nonce is keyed-hashed: Redis never holds token material in clear.
        return await Bounded(_db.StringSetAsync(_noncePrefix + _protector.Mac("nonce", nonce), 1, ttl, When.NotExists), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetIdempotentResultAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        cancellationToken.ThrowIfCancellationRequested();
        return (byte[]?)await Bounded(_db.StringGetAsync(_idempotencyPrefix + _protector.Mac("request", requestId)), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> SaveIdempotentResultAsync(string requestId, ReadOnlyMemory<byte> result, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        cancellationToken.ThrowIfCancellationRequested();
        return await Bounded(_db.StringSetAsync(_idempotencyPrefix + _protector.Mac("request", requestId), result, _options.IdempotencyTtl, When.NotExists), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<string> AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.Actor);
        ArgumentException.ThrowIfNullOrEmpty(record.Action);
        ArgumentException.ThrowIfNullOrEmpty(record.Decision);
        cancellationToken.ThrowIfCancellationRequested();
        var fields = new List<NameValueEntry>(8)
        {
            new("who", record.Actor),
            new("what", record.Action),
            new("when", record.Timestamp.ToUnixTimeMilliseconds()),
            new("decision", record.Decision),
        };
        if (record.Score is { } score) fields.Add(new("score", score));
        if (record.ModelId is not null) fields.Add(new("model_id", record.ModelId));
        if (record.TransactionId is not null) fields.Add(new("txn", record.TransactionId));
        if (record.SubjectKey is not null) fields.Add(new("sk", record.SubjectKey));
        if (record.RequestId is not null) fields.Add(new("rid", record.RequestId));
        return (await Bounded(_db.StreamAddAsync(_auditKey, [.. fields], maxLength: _options.AuditStreamMaxLength, useApproximateMaxLength: true), cancellationToken).ConfigureAwait(false)).ToString();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var entries = await Bounded(_db.StreamRangeAsync(_auditKey, "-", "+", count, Order.Descending), cancellationToken).ConfigureAwait(false);
        var records = new AuditRecord[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var e = entries[i];
            records[i] = new AuditRecord(
                (string?)e["who"] ?? string.Empty,
                (string?)e["what"] ?? string.Empty,
                DateTimeOffset.FromUnixTimeMilliseconds(long.Parse((string?)e["when"] ?? "0", CultureInfo.InvariantCulture)),
                (string?)e["decision"] ?? string.Empty,
                (string?)e["score"] is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : null,
                (string?)e["model_id"],
                (string?)e["txn"],
                (string?)e["sk"],
                (string?)e["rid"]);
        }

        return records;
    }
}
