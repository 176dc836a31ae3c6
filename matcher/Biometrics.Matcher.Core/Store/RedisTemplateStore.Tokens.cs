using System.Globalization;
using Biometrics.Redis;

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
        return await _db.StringSetAsync(_noncePrefix + _protector.Mac("nonce", nonce), 1, ttl, SetCondition.IfNotExists).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetIdempotentResultAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        cancellationToken.ThrowIfCancellationRequested();
        return await _db.StringGetAsync(_idempotencyPrefix + _protector.Mac("request", requestId)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> SaveIdempotentResultAsync(string requestId, ReadOnlyMemory<byte> result, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        cancellationToken.ThrowIfCancellationRequested();
        return await _db.StringSetAsync(_idempotencyPrefix + _protector.Mac("request", requestId), result, _options.IdempotencyTtl, SetCondition.IfNotExists)
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
        var fields = new List<RedisValue>(16)
        {
            "who", record.Actor,
            "what", record.Action,
            "when", record.Timestamp.ToUnixTimeMilliseconds(),
            "decision", record.Decision,
        };
        if (record.Score is { } score) { fields.Add("score"); fields.Add(score); }
        if (record.ModelId is not null) { fields.Add("model_id"); fields.Add(record.ModelId); }
        if (record.TransactionId is not null) { fields.Add("txn"); fields.Add(record.TransactionId); }
        if (record.SubjectKey is not null) { fields.Add("sk"); fields.Add(record.SubjectKey); }
        if (record.RequestId is not null) { fields.Add("rid"); fields.Add(record.RequestId); }
        return await _db.StreamAddAsync(_auditKey, fields.ToArray(), _options.AuditStreamMaxLength).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var entries = await _db.StreamRangeAsync(_auditKey, count: count, reverse: true).ConfigureAwait(false);
        var records = new AuditRecord[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var e = entries[i];
            records[i] = new AuditRecord(
                e.GetString("who") ?? string.Empty,
                e.GetString("what") ?? string.Empty,
                DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(e.GetString("when") ?? "0", CultureInfo.InvariantCulture)),
                e.GetString("decision") ?? string.Empty,
                e.GetString("score") is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : null,
                e.GetString("model_id"),
                e.GetString("txn"),
                e.GetString("sk"),
                e.GetString("rid"));
        }

        return records;
    }
}
