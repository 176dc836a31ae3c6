using System.Collections;

namespace Biometrics.Onnx;

/// <summary>The outputs of one run, in the order the output names were given; disposing releases them all. Not thread-safe to dispose.</summary>
public sealed class DisposableOrtValueList : IReadOnlyList<OrtValue>, IDisposable
{
    private readonly OrtValue[] _values;
    private readonly string[] _names;

    internal DisposableOrtValueList(string[] names, OrtValue[] values)
    {
        _names = names;
        _values = values;
    }

    /// <inheritdoc />
    public OrtValue this[int index] => _values[index];

    /// <summary>The output with the given name.</summary>
    public OrtValue this[string name]
    {
        get
        {
            var i = Array.IndexOf(_names, name);
            return i >= 0 ? _values[i] : throw new KeyNotFoundException($"No output named '{name}' in this result.");
        }
    }

    /// <inheritdoc />
    public int Count => _values.Length;

    /// <inheritdoc />
    public IEnumerator<OrtValue> GetEnumerator() => ((IEnumerable<OrtValue>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Releases every output.</summary>
    public void Dispose()
    {
        foreach (var v in _values)
        {
            v?.Dispose();
        }
    }
}
