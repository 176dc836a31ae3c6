using System.Globalization;
using System.Runtime.CompilerServices;
using StackExchange.Redis;

namespace Biometrics.Matcher.Store;

public sealed partial class RedisTemplateStore
{
    /// <summary>Entries read from one shard's stream per round trip.</summary>
    private const int FollowBatch = 500;

    /// <summary>The id of the newest change entry of every shard (<c>0-0</c> for an empty shard).</summary>
    public async Task<ChangeStreamPosition> GetLatestPositionAsync(CancellationToken cancellationToken = default)
    {
        var reads = new Task<StreamEntry[]>[ShardCount];
        for (var s = 0; s < ShardCount; s++) reads[s] = _db.StreamRangeAsync(ChangesKey(s), "-", "+", 1, Order.Descending);
        var ids = new string[ShardCount];
        for (var s = 0; s < ShardCount; s++)
        {
            var last = await Bounded(reads[s], cancellationToken).ConfigureAwait(false);
            ids[s] = last.Length == 0 ? "0-0" : last[0].Id.ToString();
        }

        return ChangeStreamPosition.FromShards(ids);
    }

    /// <inheritdoc />
    /// <remarks>
    /// No blocking read: the shared multiplexer must never be held by <c>XREAD BLOCK</c>. Writers publish their shard
    /// number on <c>prefix:changes</c> after each change; the follower wakes on that notification, or after
    /// <see cref="TemplateStoreOptions.FollowPollInterval"/> at the latest (a notification can be lost while
    /// reconnecting), and catches up every shard with non-blocking <c>XREAD</c>s.
    /// </remarks>
    public IAsyncEnumerable<TemplateChange> FollowAsync(ChangeStreamPosition from, CancellationToken cancellationToken = default) =>
        FollowCoreAsync(from, null, null, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// The change entries carry the subject keys in clear (docs/REDIS.md, "Change stream format"), hence each subject's
    /// bucket: one outside the part is looked up in the whole galleries' sets of its shard (<c>SMISMEMBER</c>, one per whole
    /// gallery and entry, no template material) and fetched only when it is a member or held. Entries written before this
    /// read are read the same way: nothing new is written to the stream.
    /// </remarks>
    public IAsyncEnumerable<TemplateChange> FollowPartAsync(ChangeStreamPosition from, SnapshotPart part, Func<SubjectKey, bool> holds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(part);
        ArgumentNullException.ThrowIfNull(holds);
        return FollowCoreAsync(from, part, holds, cancellationToken);
    }

    private async IAsyncEnumerable<TemplateChange> FollowCoreAsync(ChangeStreamPosition from, SnapshotPart? part, Func<SubjectKey, bool>? holds,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var positions = from.ToShards(ShardCount);
        using var signal = new SemaphoreSlim(0, 1);
        void Wake(RedisChannel channel, RedisValue message)
        {
            try
            {
                if (signal.CurrentCount == 0) signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // already signalled
            }
            catch (ObjectDisposedException)
            {
                // the follower has ended
            }
        }

        var subscriber = _connection.GetSubscriber();
        var subscribed = false;
        var checkGap = true;
        var failures = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var batches = new StreamEntry[ShardCount][];
                try
                {
                    if (!subscribed)
                    {
                        await Bounded(subscriber.SubscribeAsync(_changesChannel, Wake), cancellationToken).ConfigureAwait(false);
                        subscribed = true;
                    }

                    if (checkGap)
                    {
                        await ThrowIfTrimmedPastAsync(positions, cancellationToken).ConfigureAwait(false);
                        checkGap = false;
                    }

                    var reads = new Task<StreamEntry[]>[ShardCount];
                    for (var s = 0; s < ShardCount; s++) reads[s] = _db.StreamReadAsync(ChangesKey(s), positions[s], FollowBatch);
                    for (var s = 0; s < ShardCount; s++) batches[s] = await Bounded(reads[s], cancellationToken).ConfigureAwait(false);
                    failures = 0;
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException && !cancellationToken.IsCancellationRequested)
                {
                    // Redis restarting or failing over: keep the positions, wait, and check again that nothing we need was trimmed.
                    var delay = Math.Min(2000, 50 << Math.Min(failures++, 6));
                    LogFollowRetry(_logger, ex.Message, delay);
                    checkGap = true;
                    try { await Task.Delay(delay, cancellationToken).ConfigureAwait(false); } catch (OperationCanceledException) { yield break; }
                    continue;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }

                var more = false;
                for (var s = 0; s < ShardCount; s++)
                {
                    var entries = batches[s];
                    if (entries.Length == FollowBatch) more = true;
                    foreach (var entry in entries)
                    {
                        var previous = positions[s];
                        positions[s] = entry.Id.ToString();
                        List<TemplateChange> changes;
                        try
                        {
                            changes = await ResolveAsync(entry, ChangeStreamPosition.FromShards(positions), part, holds, cancellationToken).ConfigureAwait(false);
                        }
                        catch (Exception ex) when (ex is RedisException or TimeoutException && !cancellationToken.IsCancellationRequested)
                        {
                            // Read again from this entry on the next round (nothing of it was delivered).
                            positions[s] = previous;
                            more = true;
                            LogFollowRetry(_logger, ex.Message, 0);
                            break;
                        }

                        foreach (var change in changes)
                        {
                            yield return change;
                        }
                    }
                }

                if (more) continue;
                try
                {
                    await signal.WaitAsync(_options.FollowPollInterval, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
            }
        }
        finally
        {
            if (subscribed)
            {
                try
                {
                    await subscriber.UnsubscribeAsync(_changesChannel, Wake).WaitAsync(_options.CommandTimeout, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    // the handler goes with the connection
                }
            }
        }
    }

    /// <summary>Turns one stream entry into changes: deletes as they are; upserts carry the store's current template (fetched,
    /// pipelined), or, following a <paramref name="part"/>, are skipped unfetched when the part holds no row of them.</summary>
    private async Task<List<TemplateChange>> ResolveAsync(StreamEntry entry, ChangeStreamPosition position, SnapshotPart? part, Func<SubjectKey, bool>? holds,
        CancellationToken cancellationToken)
    {
        var op = (string?)entry["op"];
        var subjects = ((string?)entry["sk"] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var changes = new List<TemplateChange>(subjects.Length);
        if (op == "d")
        {
            foreach (var s in subjects) changes.Add(new TemplateChange(TemplateChangeKind.Delete, new SubjectKey(s), null, position));
            return changes;
        }

        var keys = new SubjectKey[subjects.Length];
        var reads = new Task<Lease<byte>?>?[subjects.Length];
        List<int>? outside = null;
        for (var i = 0; i < subjects.Length; i++)
        {
            keys[i] = new SubjectKey(subjects[i]);
            if (part is null || part.Contains(keys[i].Bucket) || holds!(keys[i])) reads[i] = _db.HashGetLeaseAsync(BucketKey(keys[i].Bucket), subjects[i]);
            else (outside ??= []).Add(i);
        }

        if (outside is not null) await FetchWholeGalleryMembersAsync(keys, outside, part!, reads, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < subjects.Length; i++)
        {
            var key = keys[i];
            if (reads[i] is not { } read)
            {
                changes.Add(new TemplateChange(TemplateChangeKind.Skipped, key, null, position));
                continue;
            }

            using var value = await Bounded(read, cancellationToken).ConfigureAwait(false);
            StoredTemplate? template;
            try
            {
                template = value is null ? null : OpenEntry(key, value.Span, null);
            }
            catch (TemplateIntegrityException ex)
            {
                // Never serve a template that fails authentication: the replica drops the subject.
                LogRejected(_logger, key.Hex, ex.Message);
                template = null;
            }

            // Deleted (or rejected) since the entry was written: a later delete entry follows; drop it now.
            changes.Add(template is null
                ? new TemplateChange(TemplateChangeKind.Delete, key, null, position)
                : new TemplateChange(TemplateChangeKind.Upsert, key, template, position));
        }

        return changes;
    }

    /// <summary>Starts the fetch of those <paramref name="outside"/> subjects that are members of one of the part's whole galleries.</summary>
    private async Task FetchWholeGalleryMembersAsync(SubjectKey[] keys, List<int> outside, SnapshotPart part, Task<Lease<byte>?>?[] reads,
        CancellationToken cancellationToken)
    {
        if (part.WholeGalleries.Count == 0) return;
        // An entry names subjects of one shard (docs/REDIS.md); grouped all the same, so that a gallery set is asked in its own slot.
        foreach (var shard in outside.GroupBy(i => ShardOf(keys[i])))
        {
            var members = shard.Select(i => (RedisValue)keys[i].Hex).ToArray();
            var lookups = part.WholeGalleries.Select(g => _db.SetContainsAsync(GalleryKey(shard.Key, g), members)).ToArray();
            var held = new bool[members.Length];
            foreach (var lookup in lookups)
            {
                var found = await Bounded(lookup, cancellationToken).ConfigureAwait(false);
                for (var j = 0; j < held.Length; j++) held[j] |= found[j];
            }

            var n = 0;
            foreach (var i in shard)
            {
                if (held[n++]) reads[i] = _db.HashGetLeaseAsync(BucketKey(keys[i].Bucket), keys[i].Hex);
            }
        }
    }

    private async Task ThrowIfTrimmedPastAsync(string[] positions, CancellationToken cancellationToken)
    {
        var infos = new Task<RedisResult>[ShardCount];
        for (var s = 0; s < ShardCount; s++) infos[s] = _db.ExecuteAsync("XINFO", "STREAM", (RedisKey)ChangesKey(s));
        for (var s = 0; s < ShardCount; s++)
        {
            RedisResult info;
            try
            {
                info = await Bounded(infos[s], cancellationToken).ConfigureAwait(false);
            }
            catch (RedisServerException)
            {
                continue; // no stream yet
            }

            // Entries were trimmed if more were ever added than remain. Trimmed ids are all below the first remaining
            // one, so a position below it may have missed some (conservative when the position is itself the last
            // trimmed entry: the replica then reloads a snapshot it did not strictly need).
            long added = 0, length = 0;
            string? first = null;
            var fields = (RedisResult[])info!;
            for (var i = 0; i + 1 < fields.Length; i += 2)
            {
                switch ((string?)fields[i])
                {
                    case "entries-added": added = (long)fields[i + 1]; break;
                    case "length": length = (long)fields[i + 1]; break;
                    case "recorded-first-entry-id": first = (string?)fields[i + 1]; break;
                }
            }

            if (added > length && first is not null && first != "0-0" && CompareIds(positions[s], first) < 0)
            {
                throw new TemplateStreamGapException(new ChangeStreamPosition(positions[s]), first);
            }
        }
    }

    internal static int CompareIds(string a, string b)
    {
        static (ulong Ms, ulong Seq) Parse(string id)
        {
            var dash = id.IndexOf('-');
            return dash < 0
                ? (ulong.Parse(id, CultureInfo.InvariantCulture), 0)
                : (ulong.Parse(id.AsSpan(0, dash), CultureInfo.InvariantCulture), ulong.Parse(id.AsSpan(dash + 1), CultureInfo.InvariantCulture));
        }

        return Parse(a).CompareTo(Parse(b));
    }
}
