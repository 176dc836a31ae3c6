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

    // Enrolment request records (docs/REDIS.md, "Enrolment requests"): bio:idem:{mac} holds 'P' + subject key + attempt
    // while an attempt works, 'R' + subject key + result once it finished, 'E' alone once the subject was erased.
    // bio:idx:{subject key} lists the macs of the records naming a subject, so that erasure finds them. Every command
    // touches one key; the index and the records live in different slots and are kept apart on purpose.

    /// <inheritdoc />
    public string GetRequestPseudonym(string requestId)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        return _protector.Mac("request", requestId);
    }

    /// <inheritdoc />
    public async Task<RequestRecord> ReserveRequestAsync(string requestKey, SubjectKey subject, string attempt, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(attempt);
        if (ttl <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ttl), "The reservation TTL must be positive.");
        cancellationToken.ThrowIfCancellationRequested();
        var mac = GetRequestPseudonym(requestKey);
        // Index first, awaited (with RedisOptions.PoolSize > 1 commands issued together may run on different connections,
        // in any order): a failure in between leaves an index entry pointing at nothing, never a record erasure cannot find.
        var index = _requestIndexPrefix + subject.Hex;
        await _db.SetAddAsync(index, mac).ConfigureAwait(false);
        await _db.KeyExpireAsync(index, _options.IdempotencyTtl + ttl).ConfigureAwait(false);
        // SET NX GET (Redis 7.0): sets the reservation when there is none, else returns what is there.
        var reply = await _db.ExecuteAsync("SET", _idempotencyPrefix + mac, "P" + subject.Hex + attempt, "NX", "PX", (long)ttl.TotalMilliseconds, "GET")
            .ConfigureAwait(false);
        return reply.IsNull ? new RequestRecord(RequestState.Reserved, subject, null) : ParseRequestRecord(reply.AsBytes()!);
    }

    /// <inheritdoc />
    public async Task<bool> CompleteRequestAsync(string requestKey, SubjectKey subject, string attempt, ReadOnlyMemory<byte> result, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(attempt);
        cancellationToken.ThrowIfCancellationRequested();
        var value = new byte[65 + result.Length];
        value[0] = (byte)'R';
        System.Text.Encoding.ASCII.GetBytes(subject.Hex, value.AsSpan(1));
        result.Span.CopyTo(value.AsSpan(65));
        var reply = await _db.ScriptEvaluateAsync(s_completeRequestScript, [_idempotencyPrefix + GetRequestPseudonym(requestKey)],
            ["P" + subject.Hex + attempt, value, (long)_options.IdempotencyTtl.TotalMilliseconds]).ConfigureAwait(false);
        return reply.AsInt64() == 1;
    }

    /// <inheritdoc />
    public async Task ReleaseRequestAsync(string requestKey, SubjectKey subject, string attempt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(attempt);
        cancellationToken.ThrowIfCancellationRequested();
        await _db.ScriptEvaluateAsync(s_releaseRequestScript, [_idempotencyPrefix + GetRequestPseudonym(requestKey)], ["P" + subject.Hex + attempt]).ConfigureAwait(false);
    }

    /// <summary>Blanks every request record indexed under the subject (part of erasure): each keeps only 'E' until it expires.</summary>
    private async Task EraseRequestRecordsAsync(SubjectKey subject)
    {
        var index = _requestIndexPrefix + subject.Hex;
        var macs = await _db.SetMembersAsync(index).ConfigureAwait(false);
        if (macs.Length == 0) return;
        var blanks = new Task<RedisResult>[macs.Length];
        for (var i = 0; i < macs.Length; i++)
        {
            blanks[i] = _db.ExecuteAsync("SET", _idempotencyPrefix + macs[i], "E", "XX", "KEEPTTL").AsTask();
        }

        await Task.WhenAll(blanks).ConfigureAwait(false);
        // SREM of what was blanked, not DEL: an attempt that indexed itself meanwhile stays findable.
        var members = new RedisValue[macs.Length];
        for (var i = 0; i < macs.Length; i++) members[i] = macs[i];
        await _db.SetRemoveAsync(index, members).ConfigureAwait(false);
    }

    private static RequestRecord ParseRequestRecord(byte[] value)
    {
        if (value.Length >= 65 && value[0] is (byte)'P' or (byte)'R')
        {
            var subject = new SubjectKey(System.Text.Encoding.ASCII.GetString(value, 1, 64));
            return value[0] == (byte)'P'
                ? new RequestRecord(RequestState.InProgress, subject, null)
                : new RequestRecord(RequestState.Completed, subject, value[65..]);
        }

        if (value is [(byte)'E']) return new RequestRecord(RequestState.Erased, null, null);
        throw new InvalidDataException("An enrolment request record in Redis has an unknown format.");
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
        // The caller's request id only as its pseudonym: Redis never holds a request id in clear.
        if (record.RequestId is not null) { fields.Add("rid"); fields.Add(GetRequestPseudonym(record.RequestId)); }
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
