using System.Collections;

namespace Biometrics.Grpc;

/// <summary>Call metadata (headers or trailers): an ordered list of key/value entries. Keys are lower-case; a key
/// ending in <c>-bin</c> carries a binary value (base64 on the wire), any other key a printable ASCII value.
/// Not thread-safe for concurrent mutation; <see cref="Empty"/> is read-only.</summary>
public sealed partial class Metadata : IList<Metadata.Entry>
{
    /// <summary>The suffix that marks a binary entry.</summary>
    public const string BinaryHeaderSuffix = "-bin";

    /// <summary>A shared read-only empty instance.</summary>
    public static readonly Metadata Empty = new() { _readOnly = true };

    private readonly List<Entry> _entries = [];
    private bool _readOnly;

    /// <summary>Adds an ASCII entry.</summary>
    public Metadata Add(string key, string value) { Add(new Entry(key, value)); return this; }

    /// <summary>Adds a binary entry; the key must end in <c>-bin</c>.</summary>
    public Metadata Add(string key, byte[] valueBytes) { Add(new Entry(key, valueBytes)); return this; }

    /// <summary>The last entry with this key, or null.</summary>
    public Entry? Get(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase)) return _entries[i];
        }
        return null;
    }

    /// <summary>The value of the last ASCII entry with this key, or null.</summary>
    public string? GetValue(string key) => Get(key)?.Value;

    /// <summary>The bytes of the last binary entry with this key, or null.</summary>
    public byte[]? GetValueBytes(string key) => Get(key)?.ValueBytes;

    /// <summary>All entries with this key, in order.</summary>
    public IEnumerable<Entry> GetAll(string key)
    {
        foreach (var e in _entries)
        {
            if (string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase)) yield return e;
        }
    }

    /// <inheritdoc />
    public Entry this[int index]
    {
        get => _entries[index];
        set { CheckWritable(); _entries[index] = value; }
    }

    /// <inheritdoc />
    public int Count => _entries.Count;

    /// <inheritdoc />
    public bool IsReadOnly => _readOnly;

    /// <inheritdoc />
    public void Add(Entry item) { CheckWritable(); ArgumentNullException.ThrowIfNull(item); _entries.Add(item); }

    /// <inheritdoc />
    public void Clear() { CheckWritable(); _entries.Clear(); }

    /// <inheritdoc />
    public bool Contains(Entry item) => _entries.Contains(item);

    /// <inheritdoc />
    public void CopyTo(Entry[] array, int arrayIndex) => _entries.CopyTo(array, arrayIndex);

    /// <inheritdoc />
    public int IndexOf(Entry item) => _entries.IndexOf(item);

    /// <inheritdoc />
    public void Insert(int index, Entry item) { CheckWritable(); _entries.Insert(index, item); }

    /// <inheritdoc />
    public bool Remove(Entry item) { CheckWritable(); return _entries.Remove(item); }

    /// <inheritdoc />
    public void RemoveAt(int index) { CheckWritable(); _entries.RemoveAt(index); }

    /// <summary>Enumerates entries without allocating.</summary>
    public List<Entry>.Enumerator GetEnumerator() => _entries.GetEnumerator();

    IEnumerator<Entry> IEnumerable<Entry>.GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _entries.GetEnumerator();

    private void CheckWritable()
    {
        if (_readOnly) throw new InvalidOperationException("This metadata instance is read-only.");
    }

    internal static bool IsBinaryKey(string key) => key.EndsWith(BinaryHeaderSuffix, StringComparison.OrdinalIgnoreCase);
}
