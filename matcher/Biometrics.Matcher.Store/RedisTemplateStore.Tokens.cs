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

    // Enrolment request records (docs/REDIS.md, "Enrolment requests"): prefix:idem:{mac} holds 'P' + subject key + attempt
    // + '@' + the end of its lease while an attempt works, 'R' + subject key + result once it finished, 'E' alone once the
    // subject was erased. prefix:{shard}:idx:{subject key} lists the macs of the records naming a subject, so that erasure
    // finds them. Every command touches one key; the index and the records live in different slots and are kept apart on
    // purpose. Reservations go over the shared connection, never the write connection: a replica WAIT holds that one for
    // up to Store:WaitTimeout, and a reservation queued behind it outlived the store's deadline (docs/REDIS.md, "Client").

    /// <inheritdoc />
    public string GetRequestPseudonym(string requestId)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        return _protector.Mac("request", requestId);
    }

    /// <inheritdoc />
    public async Task<RequestRecord> ReserveRequestAsync(string requestKey, SubjectKey subject, string attempt, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        CheckAttempt(attempt);
        if (lease < TimeSpan.FromMilliseconds(1)) throw new ArgumentOutOfRangeException(nameof(lease), "The reservation's lease must be at least 1 ms.");
        cancellationToken.ThrowIfCancellationRequested();
        var mac = GetRequestPseudonym(requestKey);
        var life = 2 * lease;
        // Index first, awaited: a failure in between leaves an index entry pointing at nothing, never a record erasure
        // cannot find.
        var index = RequestIndexKey(subject);
        await Bounded(_db.SetAddAsync(index, mac), cancellationToken).ConfigureAwait(false);
        await Bounded(_db.KeyExpireAsync(index, _options.IdempotencyTtl + life), cancellationToken).ConfigureAwait(false);
        var reply = (RedisResult[])(await Bounded(_db.ScriptEvaluateAsync(s_reserveRequestScript, [_idempotencyPrefix + mac],
            ["P" + subject.Hex + attempt, (long)lease.TotalMilliseconds, (long)life.TotalMilliseconds]), cancellationToken).ConfigureAwait(false))!;
        switch ((long)reply[0])
        {
            case 1: return new RequestRecord(RequestState.Reserved, subject, null);
            case 2: return new RequestRecord(RequestState.TakenOver, subject, null);
        }

        var there = ParseRequestRecord((byte[])reply[1]!);
        var left = (long)reply[2];
        return there.State == RequestState.InProgress && left >= 0 ? there with { LeaseLeft = TimeSpan.FromMilliseconds(left) } : there;
    }

    /// <inheritdoc />
    public async Task<bool> CompleteRequestAsync(string requestKey, SubjectKey subject, string attempt, ReadOnlyMemory<byte> result, CancellationToken cancellationToken = default)
    {
        CheckAttempt(attempt);
        cancellationToken.ThrowIfCancellationRequested();
        var value = new byte[65 + result.Length];
        value[0] = (byte)'R';
        System.Text.Encoding.ASCII.GetBytes(subject.Hex, value.AsSpan(1));
        result.Span.CopyTo(value.AsSpan(65));
        var reply = await Bounded(_db.ScriptEvaluateAsync(s_completeRequestScript, [_idempotencyPrefix + GetRequestPseudonym(requestKey)],
            ["P" + subject.Hex + attempt, value, (long)_options.IdempotencyTtl.TotalMilliseconds]), cancellationToken).ConfigureAwait(false);
        return (long)reply == 1;
    }

    /// <inheritdoc />
    public async Task ReleaseRequestAsync(string requestKey, SubjectKey subject, string attempt, CancellationToken cancellationToken = default)
    {
        CheckAttempt(attempt);
        cancellationToken.ThrowIfCancellationRequested();
        await Bounded(_db.ScriptEvaluateAsync(s_releaseRequestScript, [_idempotencyPrefix + GetRequestPseudonym(requestKey)], ["P" + subject.Hex + attempt]),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Blanks every request record indexed under the subject (part of erasure): each keeps only 'E' until it expires.</summary>
    private async Task EraseRequestRecordsAsync(SubjectKey subject, CancellationToken cancellationToken)
    {
        var index = RequestIndexKey(subject);
        var macs = await Bounded(_writeDb.SetMembersAsync(index), cancellationToken).ConfigureAwait(false);
        if (macs.Length == 0) return;
        var blanks = new Task<RedisResult>[macs.Length];
        for (var i = 0; i < macs.Length; i++)
        {
            blanks[i] = _writeDb.ExecuteAsync("SET", (RedisKey)(_idempotencyPrefix + macs[i]), "E", "XX", "KEEPTTL");
        }

        await Bounded(Task.WhenAll(blanks), cancellationToken).ConfigureAwait(false);
        // SREM of what was blanked, not DEL: an attempt that indexed itself meanwhile stays findable.
        await Bounded(_writeDb.SetRemoveAsync(index, macs), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An attempt id is followed by <c>@</c> and its lease in the record, so it must not hold one.</summary>
    private static void CheckAttempt(string attempt)
    {
        ArgumentException.ThrowIfNullOrEmpty(attempt);
        if (attempt.Contains('@', StringComparison.Ordinal)) throw new ArgumentException("An attempt id must not contain '@'.", nameof(attempt));
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
}
