namespace Biometrics.Matcher.Store;

/// <summary>A position in the change stream (a Redis stream id, <c>ms-seq</c>); <see cref="Start"/> is before every entry.</summary>
/// <param name="Id">The stream id.</param>
public readonly record struct ChangeStreamPosition(string Id) : IComparable<ChangeStreamPosition>
{
    /// <summary>Orders positions as Redis orders stream ids (milliseconds, then sequence).</summary>
    public int CompareTo(ChangeStreamPosition other) => RedisTemplateStore.CompareIds(Id, other.Id);

    /// <summary>Before the first entry.</summary>
    public static ChangeStreamPosition Start => new("0-0");

    /// <inheritdoc />
    public override string ToString() => Id;
}
