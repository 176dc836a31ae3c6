using System.Globalization;
using System.Runtime.CompilerServices;
using Biometrics.Redis;

namespace Biometrics.Matcher.Store;

public sealed partial class RedisTemplateStore
{
    /// <summary>The id of the newest change entry, or <see cref="ChangeStreamPosition.Start"/>.</summary>
    public async Task<ChangeStreamPosition> GetLatestPositionAsync()
    {
        var last = await _db.StreamRangeAsync(_changesKey, count: 1, reverse: true).ConfigureAwait(false);
        return last.Length == 0 ? ChangeStreamPosition.Start : new ChangeStreamPosition(last[0].Id);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<TemplateChange> FollowAsync(ChangeStreamPosition from, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var position = from;
        IRedisConnection? dedicated = null;
        var checkGap = true;
        var failures = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                RedisStreamEntry[] entries;
                try
                {
                    dedicated ??= await _connection.ConnectDedicatedAsync(cancellationToken).ConfigureAwait(false);
                    if (checkGap)
                    {
                        await ThrowIfTrimmedPastAsync(position).ConfigureAwait(false);
                        checkGap = false;
                    }

                    entries = await dedicated.GetDatabase()
                        .StreamReadAsync(_changesKey, position.Id, 500, _options.FollowBlock, cancellationToken).ConfigureAwait(false);
                    failures = 0;
                }
                catch (RedisException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // Redis restarting: keep the position, wait, and check again that nothing we need was trimmed.
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

                foreach (var entry in entries)
                {
                    var changes = await ResolveAsync(entry).ConfigureAwait(false);
                    foreach (var change in changes)
                    {
                        yield return change;
                    }

                    position = new ChangeStreamPosition(entry.Id);
                }
            }
        }
        finally
        {
            if (dedicated is not null) await dedicated.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Turns one stream entry into changes: deletes as they are; upserts carry the store's current template (fetched, pipelined).</summary>
    private async Task<List<TemplateChange>> ResolveAsync(RedisStreamEntry entry)
    {
        var op = entry.GetString("op");
        var subjects = (entry.GetString("sk") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var position = new ChangeStreamPosition(entry.Id);
        var changes = new List<TemplateChange>(subjects.Length);
        if (op == "d")
        {
            foreach (var s in subjects) changes.Add(new TemplateChange(TemplateChangeKind.Delete, new SubjectKey(s), null, position));
            return changes;
        }

        var reads = new ValueTask<byte[]?[]>[subjects.Length];
        for (var i = 0; i < subjects.Length; i++)
        {
            reads[i] = _db.HashGetManyAsync(_templatePrefix + subjects[i], s_templateFields);
        }

        for (var i = 0; i < subjects.Length; i++)
        {
            var key = new SubjectKey(subjects[i]);
            var fields = await reads[i].ConfigureAwait(false);
            StoredTemplate? template;
            try
            {
                template = Open(key, fields);
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

    private async Task ThrowIfTrimmedPastAsync(ChangeStreamPosition from)
    {
        RedisResult info;
        try
        {
            info = await _db.ExecuteAsync("XINFO", "STREAM", _changesKey).ConfigureAwait(false);
        }
        catch (RedisServerException)
        {
            return; // no stream yet
        }

        // Entries were trimmed if more were ever added than remain. Trimmed ids are all below the first remaining
        // one, so a position below it may have missed some (conservative when the position is itself the last
        // trimmed entry: the replica then reloads a snapshot it did not strictly need).
        long added = 0, length = 0;
        string? first = null;
        for (var i = 0; i + 1 < info.Elements.Count; i += 2)
        {
            switch (info.Elements[i].AsString())
            {
                case "entries-added": added = info.Elements[i + 1].AsInt64(); break;
                case "length": length = info.Elements[i + 1].AsInt64(); break;
                case "recorded-first-entry-id": first = info.Elements[i + 1].AsString(); break;
            }
        }

        if (added > length && first is not null && first != "0-0" && CompareIds(from.Id, first) < 0)
        {
            throw new TemplateStreamGapException(from, first);
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
