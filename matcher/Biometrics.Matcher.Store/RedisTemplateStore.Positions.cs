using System.Globalization;
using StackExchange.Redis;

namespace Biometrics.Matcher.Store;

public sealed partial class RedisTemplateStore
{
    /// <summary>True when every shard of <paramref name="position"/> is at or after the same shard of <paramref name="other"/>.</summary>
    public static bool Covers(ChangeStreamPosition position, ChangeStreamPosition other)
    {
        var mine = position.ToShards(ShardCount);
        var theirs = other.ToShards(ShardCount);
        for (var i = 0; i < mine.Length; i++)
        {
            if (CompareIds(mine[i], theirs[i]) < 0) return false;
        }

        return true;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Per shard (docs/REDIS.md, "Change stream format"): <c>XINFO STREAM</c> gives the newest id ever added; a saved id
    /// after it means the store lost changes or is another store. A saved id other than <c>0-0</c> must still be an entry
    /// of the stream (<c>XRANGE id id</c>): stream ids carry the millisecond they were written, so a trimmed stream, a
    /// stream deleted and written again, or another store's stream does not hold it. A shard saved at <c>0-0</c> (empty
    /// then) must have lost no entry since (entries ever added = length).
    /// </remarks>
    public async Task<ResumeCheck> CheckResumableAsync(ChangeStreamPosition from, CancellationToken cancellationToken = default)
    {
        string[] saved;
        try
        {
            saved = from.ToShards(ShardCount);
        }
        catch (FormatException ex)
        {
            return new ResumeCheck(ex.Message, from);
        }

        var infos = new Task<RedisResult>[ShardCount];
        var entries = new Task<StreamEntry[]>?[ShardCount];
        for (var s = 0; s < ShardCount; s++)
        {
            infos[s] = _db.ExecuteAsync("XINFO", "STREAM", (RedisKey)ChangesKey(s));
            if (saved[s] != "0-0") entries[s] = _db.StreamRangeAsync(ChangesKey(s), saved[s], saved[s], 1);
        }

        var latest = new string[ShardCount];
        string? problem = null;
        for (var s = 0; s < ShardCount; s++)
        {
            long added = 0, length = 0;
            latest[s] = "0-0";
            try
            {
                var fields = (RedisResult[])(await Bounded(infos[s], cancellationToken).ConfigureAwait(false))!;
                for (var i = 0; i + 1 < fields.Length; i += 2)
                {
                    switch ((string?)fields[i])
                    {
                        case "entries-added": added = (long)fields[i + 1]; break;
                        case "length": length = (long)fields[i + 1]; break;
                        case "last-generated-id": latest[s] = (string?)fields[i + 1] ?? "0-0"; break;
                    }
                }
            }
            catch (RedisServerException)
            {
                // no stream in this shard
            }

            var found = entries[s] is { } read && (await Bounded(read, cancellationToken).ConfigureAwait(false)).Length == 1;
            problem ??= CompareIds(saved[s], latest[s]) > 0
                    ? $"shard {s.ToString(CultureInfo.InvariantCulture)}: the saved position {saved[s]} is after the stream's newest entry {latest[s]} (the store lost changes, or is another store)"
                : saved[s] != "0-0" && !found
                    ? $"shard {s.ToString(CultureInfo.InvariantCulture)}: the saved position {saved[s]} is no longer in the stream (trimmed, or the stream was recreated)"
                : saved[s] == "0-0" && added > length
                    ? $"shard {s.ToString(CultureInfo.InvariantCulture)}: the stream was trimmed since the saved position (its start)"
                : null;
        }

        return new ResumeCheck(problem, ChangeStreamPosition.FromShards(latest));
    }
}
