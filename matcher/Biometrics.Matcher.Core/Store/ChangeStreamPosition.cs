namespace Biometrics.Matcher.Store;

/// <summary>
/// A position in the change stream, which is sharded (one Redis stream per shard, see <c>docs/REDIS.md</c>): one
/// stream id (<c>ms-seq</c>) per shard. <see cref="Id"/> is its text: a single id when every shard is at the same id
/// (<see cref="Start"/> is <c>0-0</c>, before every entry), otherwise the shards' ids in shard order, comma-separated.
/// </summary>
/// <param name="Id">The text of the position.</param>
public readonly record struct ChangeStreamPosition(string Id)
{
    /// <summary>Before the first entry of every shard.</summary>
    public static ChangeStreamPosition Start => new("0-0");

    /// <summary>The position made of one id per shard.</summary>
    public static ChangeStreamPosition FromShards(IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        for (var i = 1; i < ids.Count; i++)
        {
            if (ids[i] != ids[0]) return new ChangeStreamPosition(string.Join(',', ids));
        }

        return new ChangeStreamPosition(ids.Count == 0 ? "0-0" : ids[0]);
    }

    /// <summary>The id of each of <paramref name="shards"/> shards (a single id stands for every shard).</summary>
    /// <exception cref="FormatException">The text does not hold one id or <paramref name="shards"/> ids.</exception>
    public string[] ToShards(int shards)
    {
        var parts = string.IsNullOrEmpty(Id) ? ["0-0"] : Id.Split(',');
        if (parts.Length == 1) return Enumerable.Repeat(parts[0], shards).ToArray();
        if (parts.Length != shards) throw new FormatException($"A change stream position holds one id or {shards} ids, not {parts.Length}.");
        return parts;
    }

    /// <inheritdoc />
    public override string ToString() => Id;
}
