using StackExchange.Redis;

namespace Biometrics.Matcher.Store;

public sealed partial class RedisTemplateStore
{
    private const int MaxConflictRounds = 50;

    /// <inheritdoc />
    public async Task<TemplateUpsertResult> UpsertAsync(TemplateRecord record, CancellationToken cancellationToken = default)
        => (await UpsertManyAsync([record], cancellationToken).ConfigureAwait(false))[0];

    /// <inheritdoc />
    public async Task<IReadOnlyList<TemplateUpsertResult>> UpsertManyAsync(IReadOnlyList<TemplateRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var keys = new SubjectKey[records.Count];
        // Each script touches one shard: group the records by shard, then cut each group into batches.
        var byShard = new List<int>?[ShardCount];
        for (var i = 0; i < records.Count; i++)
        {
            Validate(records[i]);
            keys[i] = _protector.Pseudonymise(records[i].SubjectId);
            (byShard[ShardOf(keys[i])] ??= []).Add(i);
        }

        if (new HashSet<SubjectKey>(keys).Count < keys.Length) return await UpsertInRoundsAsync(records, keys, cancellationToken).ConfigureAwait(false);
        var results = new TemplateUpsertResult[records.Count];
        var batch = _options.BulkBatchSize;
        // Keep a few batches in flight so the connection stays busy (pipelining) without unbounded buffering.
        const int inFlight = 8;
        var running = new List<Task>(inFlight);
        for (var shard = 0; shard < ShardCount; shard++)
        {
            if (byShard[shard] is not { } items) continue;
            for (var start = 0; start < items.Count; start += batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(batch, items.Count - start);
                running.Add(UpsertBatchAsync(records, keys, results, shard, items.GetRange(start, count), cancellationToken));
                if (running.Count == inFlight)
                {
                    var done = await Task.WhenAny(running).ConfigureAwait(false);
                    await done.ConfigureAwait(false);
                    running.Remove(done);
                }
            }
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        await WaitForReplicasAsync(byShard, cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// A subject named more than once: round r writes every subject's r-th record, rounds one after another, so each
    /// write reads the version the previous one made and gets its own (within one script they would all read the same).
    /// </summary>
    private async Task<IReadOnlyList<TemplateUpsertResult>> UpsertInRoundsAsync(IReadOnlyList<TemplateRecord> records, SubjectKey[] keys, CancellationToken cancellationToken)
    {
        var rounds = new List<List<int>>();
        var seen = new Dictionary<SubjectKey, int>();
        for (var i = 0; i < keys.Length; i++)
        {
            var round = seen[keys[i]] = seen.GetValueOrDefault(keys[i]) + 1;
            if (rounds.Count < round) rounds.Add([]);
            rounds[round - 1].Add(i);
        }

        var results = new TemplateUpsertResult[records.Count];
        foreach (var round in rounds)
        {
            var written = await UpsertManyAsync([.. round.Select(i => records[i])], cancellationToken).ConfigureAwait(false);
            for (var j = 0; j < round.Count; j++) results[round[j]] = written[j];
        }

        return results;
    }

    private async Task UpsertBatchAsync(IReadOnlyList<TemplateRecord> records, SubjectKey[] keys, TemplateUpsertResult[] results, int shard,
        List<int> pending, CancellationToken cancellationToken)
    {
        var changesKey = ChangesKey(shard);
        for (var round = 0; pending.Count > 0; round++)
        {
            if (round == MaxConflictRounds)
            {
                throw new InvalidOperationException($"Gave up after {MaxConflictRounds} concurrent-update conflicts on {pending.Count} subjects.");
            }

            // 1. Current versions, in one round trip.
            var n = pending.Count;
            var versionKeys = new RedisKey[n];
            for (var j = 0; j < n; j++) versionKeys[j] = TemplateKey(keys[pending[j]]);
            var versions = (RedisResult[])(await Bounded(_writeDb.ScriptEvaluateAsync(s_versionsScript, versionKeys), cancellationToken).ConfigureAwait(false))!;

            // 2. Encrypt under version + 1 (on every core) and build one script call.
            var args = new RedisValue[5 + (5 * n)];
            var scriptKeys = new RedisKey[2 + (2 * n)];
            scriptKeys[0] = changesKey;
            scriptKeys[1] = GalleriesKey(shard);
            args[0] = _options.ChangeStreamMaxLength;
            args[1] = GalleryKey(shard, string.Empty);
            args[2] = n;
            args[3] = _changesChannel.ToString();
            args[4] = shard;
            var current = new long[n];
            var blobs = new byte[n][];
            for (var j = 0; j < n; j++) current[j] = (long)versions[j];
            if (n >= 32)
            {
                Parallel.For(0, n, j => blobs[j] = Seal(records[pending[j]], keys[pending[j]], current[j] + 1));
            }
            else
            {
                for (var j = 0; j < n; j++) blobs[j] = Seal(records[pending[j]], keys[pending[j]], current[j] + 1);
            }

            for (var j = 0; j < n; j++)
            {
                var index = pending[j];
                var r = records[index];
                var key = keys[index];
                scriptKeys[2 + j] = versionKeys[j];
                scriptKeys[2 + n + j] = BucketKey(key.Bucket);
                var o = 5 + (5 * j);
                args[o] = key.Hex;
                args[o + 1] = current[j];
                args[o + 2] = blobs[j];
                args[o + 3] = r.ModelId;
                args[o + 4] = r.Galleries.Count == 1 ? r.Galleries[0] : string.Join(',', r.Galleries);
            }

            // 3. Apply atomically; items that lost a race are retried with a fresh version.
            var reply = (RedisResult[])(await Bounded(_writeDb.ScriptEvaluateAsync(s_upsertScript, scriptKeys, args), cancellationToken).ConfigureAwait(false))!;
            var status = (RedisResult[])reply[0]!;
            var changeId = (string?)reply[1];
            var conflicts = new List<int>();
            for (var j = 0; j < n; j++)
            {
                var version = (long)status[j];
                if (version > 0)
                {
                    results[pending[j]] = new TemplateUpsertResult(keys[pending[j]], version, changeId!);
                }
                else
                {
                    conflicts.Add(pending[j]);
                }
            }

            pending = conflicts;
            if (pending.Count > 0 && round >= 2)
            {
                // Several writers race on the same subject: back off a little so one of them wins each round.
                await Task.Delay(Random.Shared.Next(1, 2 + Math.Min(round, 20)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private byte[] Seal(TemplateRecord r, SubjectKey key, long version)
    {
        var payload = TemplatePayload.Write(r.SubjectId, r.Vector.Span, r.Quality, r.EnrolledAt, r.Galleries);
        return _protector.Protect(key, r.ModelId, version, payload);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = GetSubjectKey(subjectId);
        var shard = ShardOf(key);
        var reply = await Bounded(_writeDb.ScriptEvaluateAsync(
            s_deleteScript,
            [ChangesKey(shard), TemplateKey(key), BucketKey(key.Bucket)],
            [_options.ChangeStreamMaxLength, GalleryKey(shard, string.Empty), key.Hex, _changesChannel.ToString(), shard]), cancellationToken).ConfigureAwait(false);
        // After the template is gone, so that a request record written later names a subject enrolled after the erasure.
        await EraseRequestRecordsAsync(key, cancellationToken).ConfigureAwait(false);
        if (reply.IsNull) return false;
        var shards = new List<int>?[ShardCount];
        shards[shard] = [];
        await WaitForReplicasAsync(shards, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// <c>WAIT</c> on the write connection to every primary that took one of these writes. WAIT counts the writes made
    /// earlier on the same connection, so it runs on the connection that wrote (the write multiplexer, which reads
    /// never use: a WAIT holds the connection while it waits).
    /// </summary>
    private async Task WaitForReplicasAsync(List<int>?[] shards, CancellationToken cancellationToken)
    {
        if (_options.WaitForReplicas <= 0) return;
        var servers = new Dictionary<System.Net.EndPoint, IServer>();
        for (var s = 0; s < ShardCount; s++)
        {
            if (shards[s] is null) continue;
            var server = _writeConnection.GetServer((RedisKey)ChangesKey(s));
            servers.TryAdd(server.EndPoint, server);
        }

        var timeoutMs = (long)_options.WaitTimeout.TotalMilliseconds;
        var waits = servers.Values.Select(s => s.ExecuteAsync("WAIT", _options.WaitForReplicas, timeoutMs)).ToArray();
        foreach (var wait in waits)
        {
            var acknowledged = (long)await wait.WaitAsync(_options.WaitTimeout + _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (acknowledged < _options.WaitForReplicas)
            {
                throw new TemplateStoreDurabilityException((int)acknowledged, _options.WaitForReplicas);
            }
        }
    }

    private void Validate(TemplateRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentException.ThrowIfNullOrEmpty(r.SubjectId);
        ArgumentException.ThrowIfNullOrEmpty(r.ModelId);
        if (r.ModelId.Length > 200) throw new ArgumentException("model_id is too long.");
        if (r.SubjectId.Length > 1000) throw new ArgumentException("The subject id is too long.");
        if (r.Vector.Length != _options.VectorDimension)
        {
            throw new ArgumentException($"The vector has {r.Vector.Length} values; the store holds {_options.VectorDimension}.");
        }

        foreach (var v in r.Vector.Span)
        {
            if (!float.IsFinite(v)) throw new ArgumentException("The vector contains NaN or infinity.");
        }

        if (!float.IsFinite(r.Quality)) throw new ArgumentException("Quality must be finite.");
        ArgumentNullException.ThrowIfNull(r.Galleries);
        if (r.Galleries.Count > 32) throw new ArgumentException("A subject can be in at most 32 galleries.");
        foreach (var g in r.Galleries) ValidateGallery(g);
    }
}
