using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Biometrics.Matcher.Store;

/// <summary>
/// <see cref="ITemplateStore"/> in this process's memory, with the store's semantics (docs/REDIS.md) and none of its
/// durability: keyed pseudonyms, per-subject versions, gallery membership, deletes that blank the subject's request
/// records, a change feed (one shard, ids <c>0-n</c>) that <see cref="FollowAsync"/> follows, QR nonces and request
/// reservations that expire on <see cref="TimeProvider"/>, the audit stream. For unit tests of the services; the matcher
/// host uses the Redis store. <see cref="Available"/> false makes every call fail as a store that is down. Thread-safe.
/// </summary>
public sealed class InMemoryTemplateStore : ITemplateStore
{
    private readonly Lock _lock = new();
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly TimeProvider _time;
    private readonly Dictionary<SubjectKey, StoredTemplate> _templates = [];
    private readonly List<TemplateChange> _changes = [];
    private readonly Dictionary<string, DateTimeOffset> _nonces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (RequestRecord Record, string? Attempt, DateTimeOffset Expires, DateTimeOffset LeaseEnds)> _requests = new(StringComparer.Ordinal);
    private readonly List<AuditRecord> _audit = [];
    private readonly HashSet<string> _galleries = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Creates an empty store; <paramref name="time"/> drives expiry (the system clock when null).</summary>
    public InMemoryTemplateStore(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>False: every call throws <see cref="IOException"/>, as a store that does not answer (default true).</summary>
    public bool Available { get; set; } = true;

    /// <summary>How long a completed request's result is kept (the store option <c>IdempotencyTtl</c>).</summary>
    public TimeSpan IdempotencyTtl { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Store calls made so far (reads and writes, not the pure computations).</summary>
    public int Calls => Volatile.Read(ref _calls);

    private int _calls;

    /// <inheritdoc />
    public SubjectKey GetSubjectKey(string subjectId)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        return new SubjectKey(Mac("subject", subjectId));
    }

    /// <inheritdoc />
    public string GetRequestPseudonym(string requestId)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        return Mac("request", requestId);
    }

    /// <inheritdoc />
    public bool IsUnavailable(Exception exception) => exception is IOException or TimeoutException;

    /// <inheritdoc />
    public Task<TemplateUpsertResult> UpsertAsync(TemplateRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        Enter(cancellationToken);
        lock (_lock) return Task.FromResult(UpsertLocked(record));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TemplateUpsertResult>> UpsertManyAsync(IReadOnlyList<TemplateRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        Enter(cancellationToken);
        lock (_lock) return Task.FromResult<IReadOnlyList<TemplateUpsertResult>>([.. records.Select(UpsertLocked)]);
    }

    /// <inheritdoc />
    public Task<StoredTemplate?> GetAsync(string subjectId, string? requiredModelId = null, CancellationToken cancellationToken = default) =>
        GetByKeyAsync(GetSubjectKey(subjectId), requiredModelId, cancellationToken);

    /// <inheritdoc />
    public Task<StoredTemplate?> GetByKeyAsync(SubjectKey subjectKey, string? requiredModelId = null, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        StoredTemplate? t;
        lock (_lock) t = _templates.GetValueOrDefault(subjectKey);
        if (t is not null && requiredModelId is not null && !string.Equals(t.ModelId, requiredModelId, StringComparison.Ordinal))
        {
            throw new TemplateModelMismatchException(t.ModelId, requiredModelId);
        }

        return Task.FromResult(t);
    }

    /// <inheritdoc />
    public async Task<TemplateScore?> ScoreAsync(string subjectId, ReadOnlyMemory<float> probe, string probeModelId, VectorScore score, TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(score);
        var t = await GetAsync(subjectId, null, cancellationToken).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        return t is null ? null : new TemplateScore(t.SubjectKey, t.ModelId, string.Equals(t.ModelId, probeModelId, StringComparison.Ordinal) ? score(probe.Span, t.Vector) : null);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        var key = GetSubjectKey(subjectId);
        Enter(cancellationToken);
        lock (_lock)
        {
            foreach (var (mac, r) in _requests.ToArray())
            {
                if (r.Record.Subject == key) _requests[mac] = (new RequestRecord(RequestState.Erased, null, null), null, r.Expires, r.Expires);
            }

            if (!_templates.Remove(key)) return Task.FromResult(false);
            AppendLocked(TemplateChangeKind.Delete, key, null);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetGalleriesAsync(CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        lock (_lock) return Task.FromResult<IReadOnlyList<string>>([.. _galleries.Order(StringComparer.Ordinal)]);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SubjectKey>> GetGalleryMembersAsync(string gallery, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        lock (_lock) return Task.FromResult<IReadOnlyList<SubjectKey>>([.. _templates.Values.Where(t => t.Galleries.Contains(gallery)).Select(t => t.SubjectKey)]);
    }

    /// <inheritdoc />
    public async Task<long> GetGallerySizeAsync(string gallery, CancellationToken cancellationToken = default) =>
        (await GetGalleryMembersAsync(gallery, cancellationToken).ConfigureAwait(false)).Count;

    /// <inheritdoc />
    public Task<TemplateSnapshot> LoadSnapshotAsync(Action<StoredTemplate> onTemplate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onTemplate);
        Enter(cancellationToken);
        StoredTemplate[] all;
        ChangeStreamPosition position;
        lock (_lock)
        {
            all = [.. _templates.Values];
            position = PositionLocked(_changes.Count);
        }

        foreach (var t in all) onTemplate(t);
        return Task.FromResult(new TemplateSnapshot(position, all.Length, 0));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<TemplateChange> FollowAsync(ChangeStreamPosition from, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        var next = Sequence(from);
        while (true)
        {
            TemplateChange[] batch;
            Task changed;
            lock (_lock)
            {
                if (next > _changes.Count) throw new FormatException($"'{from}' is after the end of this store's change feed.");
                batch = [.. _changes.Skip(next)];
                changed = _changed.Task;
            }

            foreach (var change in batch)
            {
                next++;
                yield return change;
            }

            if (batch.Length == 0) await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task<bool> TryConsumeNonceAsync(string nonce, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        Enter(cancellationToken);
        var now = _time.GetUtcNow();
        var mac = Mac("nonce", nonce);
        lock (_lock)
        {
            if (_nonces.TryGetValue(mac, out var expires) && expires > now) return Task.FromResult(false);
            _nonces[mac] = now + ttl;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task AppendAuditAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        Enter(cancellationToken);
        lock (_lock)
        {
            foreach (var record in records)
            {
                _audit.Add(record with { RequestId = record.RequestId is null ? null : GetRequestPseudonym(record.RequestId) });
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Enter(cancellationToken);
        lock (_lock) return Task.FromResult<IReadOnlyList<AuditRecord>>([.. Enumerable.Reverse(_audit).Take(count)]);
    }

    /// <inheritdoc />
    public Task<RequestRecord> ReserveRequestAsync(string requestKey, SubjectKey subject, string attempt, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(attempt);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        Enter(cancellationToken);
        var mac = GetRequestPseudonym(requestKey);
        var now = _time.GetUtcNow();
        var state = RequestState.Reserved;
        lock (_lock)
        {
            if (_requests.TryGetValue(mac, out var r) && r.Expires > now)
            {
                if (r.Record.State != RequestState.Reserved) return Task.FromResult(r.Record);
                if (r.Record.Subject != subject) return Task.FromResult(r.Record with { State = RequestState.InProgress });
                if (r.LeaseEnds > now) return Task.FromResult(r.Record with { State = RequestState.InProgress, LeaseLeft = r.LeaseEnds - now });
                state = RequestState.TakenOver;
            }

            _requests[mac] = (new RequestRecord(RequestState.Reserved, subject, null), attempt, now + (2 * lease), now + lease);
            return Task.FromResult(new RequestRecord(state, subject, null));
        }
    }

    /// <inheritdoc />
    public Task<bool> CompleteRequestAsync(string requestKey, SubjectKey subject, string attempt, ReadOnlyMemory<byte> result, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(attempt);
        Enter(cancellationToken);
        var mac = GetRequestPseudonym(requestKey);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (!IsReservationLocked(mac, subject, attempt, now)) return Task.FromResult(false);
            _requests[mac] = (new RequestRecord(RequestState.Completed, subject, result.ToArray()), null, now + IdempotencyTtl, now);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task ReleaseRequestAsync(string requestKey, SubjectKey subject, string attempt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(attempt);
        Enter(cancellationToken);
        var mac = GetRequestPseudonym(requestKey);
        lock (_lock)
        {
            if (IsReservationLocked(mac, subject, attempt, _time.GetUtcNow())) _requests.Remove(mac);
        }

        return Task.CompletedTask;
    }

    private bool IsReservationLocked(string mac, SubjectKey subject, string attempt, DateTimeOffset now) =>
        _requests.TryGetValue(mac, out var r) && r.Expires > now && r.Record.State == RequestState.Reserved
        && r.Record.Subject == subject && r.Attempt == attempt;

    private TemplateUpsertResult UpsertLocked(TemplateRecord record)
    {
        ArgumentException.ThrowIfNullOrEmpty(record.ModelId);
        var key = GetSubjectKey(record.SubjectId);
        var version = _templates.TryGetValue(key, out var old) ? old.Version + 1 : 1;
        var changeId = PositionLocked(_changes.Count + 1).Id;
        var stored = new StoredTemplate(key, record.SubjectId, record.Vector.ToArray(), record.ModelId, record.Quality, record.EnrolledAt,
            [.. record.Galleries], version, changeId);
        _templates[key] = stored;
        _galleries.UnionWith(record.Galleries);
        AppendLocked(TemplateChangeKind.Upsert, key, stored);
        return new TemplateUpsertResult(key, version, changeId);
    }

    private void AppendLocked(TemplateChangeKind kind, SubjectKey key, StoredTemplate? template)
    {
        _changes.Add(new TemplateChange(kind, key, template, PositionLocked(_changes.Count + 1)));
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private static ChangeStreamPosition PositionLocked(int sequence) =>
        new("0-" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static int Sequence(ChangeStreamPosition position)
    {
        var id = position.ToShards(1)[0];
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return dash >= 0 && int.TryParse(id.AsSpan(dash + 1), System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n
            : throw new FormatException($"'{position}' is not a position of this store.");
    }

    private void Enter(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _calls);
        if (!Available) throw new IOException("The template store is unavailable.");
    }

    private string Mac(string domain, string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(domain + "\0" + value)));

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
