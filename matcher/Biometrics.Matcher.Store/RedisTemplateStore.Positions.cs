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
}
