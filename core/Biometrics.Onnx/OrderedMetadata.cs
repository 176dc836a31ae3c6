using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Biometrics.Onnx;

/// <summary>A read-only name-to-metadata map that enumerates in model order.</summary>
internal sealed class OrderedMetadata : IReadOnlyDictionary<string, NodeMetadata>
{
    private readonly List<KeyValuePair<string, NodeMetadata>> _items = [];
    private readonly Dictionary<string, NodeMetadata> _map = new(StringComparer.Ordinal);

    public void Add(string name, NodeMetadata metadata)
    {
        _map.Add(name, metadata);
        _items.Add(new(name, metadata));
    }

    public NodeMetadata this[string key] => _map[key];

    public IEnumerable<string> Keys => _items.Select(x => x.Key);

    public IEnumerable<NodeMetadata> Values => _items.Select(x => x.Value);

    public int Count => _items.Count;

    public bool ContainsKey(string key) => _map.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out NodeMetadata value) => _map.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, NodeMetadata>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
