using System.Text;

namespace Biometrics.Redis;

/// <summary>One stream entry: its id (<c>ms-seq</c>) and field/value pairs in insertion order. Immutable.</summary>
public sealed class RedisStreamEntry(string id, KeyValuePair<string, byte[]>[] fields)
{
    /// <summary>The entry id, e.g. <c>1700000000000-0</c>.</summary>
    public string Id { get; } = id;

    /// <summary>Field/value pairs in the order they were added.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>> Fields { get; } = fields;

    /// <summary>The first value of <paramref name="field"/>, or null.</summary>
    public byte[]? Get(string field)
    {
        foreach (var pair in Fields)
        {
            if (pair.Key == field) return pair.Value;
        }

        return null;
    }

    /// <summary>The first value of <paramref name="field"/> decoded as UTF-8, or null.</summary>
    public string? GetString(string field) => Get(field) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;
}
