using System.Buffers;
using System.Runtime.InteropServices;
using Biometrics.Onnx.Interop;

namespace Biometrics.Onnx;

/// <summary>
/// A tensor handed to or returned by ONNX Runtime (<c>OrtValue</c>). Values made by
/// <see cref="CreateTensorValueFromMemory{T}(Memory{T}, ReadOnlySpan{long})"/> wrap caller memory without copying (the memory
/// stays pinned until disposal); values returned by <see cref="InferenceSession.Run(IReadOnlyList{string}, IReadOnlyList{OrtValue}, IReadOnlyList{string})"/>
/// own ORT-allocated memory. Reading is thread-safe; dispose once, when no run is using the value.
/// </summary>
public sealed unsafe class OrtValue : IDisposable
{
    private readonly OrtValueHandle _handle;
    private MemoryHandle _pin;
    private void* _data;
    private long[]? _shape;
    private TensorElementType _elementType;
    private long _elementCount = -1;

    private OrtValue(OrtValueHandle handle, MemoryHandle pin, void* data, long[]? shape, TensorElementType type, long count)
    {
        _handle = handle;
        _pin = pin;
        _data = data;
        _shape = shape;
        _elementType = type;
        _elementCount = count;
    }

    internal OrtValueHandle Handle => _handle;

    /// <summary>
    /// Wraps <paramref name="memory"/> as a tensor of <paramref name="shape"/> without copying; the memory is pinned until
    /// <see cref="Dispose"/>. Writes into <paramref name="memory"/> are seen by later runs (reuse the value as a buffer).
    /// </summary>
    public static OrtValue CreateTensorValueFromMemory<T>(Memory<T> memory, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var pin = memory.Pin();
        try
        {
            return Create((T*)pin.Pointer, memory.Length, shape, pin);
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    /// <summary>Wraps <paramref name="data"/> (an array, pinned until disposal) as a tensor of <paramref name="shape"/>.</summary>
    public static OrtValue CreateTensorValueFromMemory<T>(T[] data, ReadOnlySpan<long> shape)
        where T : unmanaged => CreateTensorValueFromMemory(data.AsMemory(), shape);

    /// <summary>
    /// Wraps native or already-pinned memory (<paramref name="elementCount"/> elements at <paramref name="data"/>); the caller
    /// keeps it alive and fixed for the life of the value.
    /// </summary>
    public static OrtValue CreateTensorValueFromMemory<T>(T* data, long elementCount, ReadOnlySpan<long> shape)
        where T : unmanaged => Create(data, elementCount, shape, default);

    private static OrtValue Create<T>(T* data, long elementCount, ReadOnlySpan<long> shape, MemoryHandle pin)
        where T : unmanaged
    {
        var env = OrtEnvironment.Instance;
        long expected = 1;
        foreach (var d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Tensor dimensions must be >= 0; got [{string.Join(',', shape.ToArray())}].", nameof(shape));
            }

            expected *= d;
        }

        if (expected != elementCount)
        {
            throw new ArgumentException(
                $"Shape [{string.Join(',', shape.ToArray())}] holds {expected} elements but the buffer has {elementCount}.", nameof(shape));
        }

        var type = TensorElementTypes.Of<T>();
        nint value;
        fixed (long* s = shape)
        {
            OrtNative.Check(OrtNative.CreateTensorWithDataAsOrtValue(
                env.CpuMemoryInfo.DangerousGetHandle(), data, (nuint)(elementCount * sizeof(T)), s, (nuint)shape.Length, (int)type, &value));
        }

        return new OrtValue(new OrtValueHandle(value), pin, data, shape.ToArray(), type, elementCount);
    }

    /// <summary>Takes ownership of a value ORT allocated during a run.</summary>
    internal static OrtValue FromOwned(nint value) => new(new OrtValueHandle(value), default, null, null, TensorElementType.Undefined, -1);

    /// <summary>True when the value is a tensor.</summary>
    public bool IsTensor
    {
        get
        {
            int isTensor;
            OrtNative.Check(OrtNative.IsTensor(Raw, &isTensor));
            return isTensor != 0;
        }
    }

    /// <summary>The tensor's dimensions.</summary>
    public IReadOnlyList<long> Shape
    {
        get
        {
            EnsureTypeAndShape();
            return _shape!;
        }
    }

    /// <summary>The tensor's element type.</summary>
    public TensorElementType ElementType
    {
        get
        {
            EnsureTypeAndShape();
            return _elementType;
        }
    }

    /// <summary>Number of elements (product of <see cref="Shape"/>).</summary>
    public long ElementCount
    {
        get
        {
            EnsureTypeAndShape();
            return _elementCount;
        }
    }

    /// <summary>Read-only view of the tensor data (no copy). Valid until the value is disposed.</summary>
    public ReadOnlySpan<T> GetTensorDataAsSpan<T>()
        where T : unmanaged => GetTensorMutableDataAsSpan<T>();

    /// <summary>Writable view of the tensor data (no copy). Valid until the value is disposed.</summary>
    public Span<T> GetTensorMutableDataAsSpan<T>()
        where T : unmanaged
    {
        EnsureTypeAndShape();
        var want = TensorElementTypes.Of<T>();
        if (want != _elementType)
        {
            throw new InvalidOperationException($"The tensor holds {_elementType}, not {want} ({typeof(T).Name}).");
        }

        if (_data is null)
        {
            void* p;
            OrtNative.Check(OrtNative.GetTensorMutableData(Raw, &p));
            _data = p;
        }

        return new Span<T>(_data, checked((int)_elementCount));
    }

    private nint Raw
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle.DangerousGetHandle();
        }
    }

    private void EnsureTypeAndShape()
    {
        if (_shape is not null && _elementCount >= 0)
        {
            return;
        }

        nint info;
        OrtNative.Check(OrtNative.GetTensorTypeAndShape(Raw, &info));
        try
        {
            int type;
            nuint rank;
            OrtNative.Check(OrtNative.GetTensorElementType(info, &type));
            OrtNative.Check(OrtNative.GetDimensionsCount(info, &rank));
            var dims = new long[(int)rank];
            fixed (long* d = dims)
            {
                OrtNative.Check(OrtNative.GetDimensions(info, d, rank));
            }

            long count = 1;
            foreach (var d in dims)
            {
                count *= d;
            }

            _elementType = (TensorElementType)type;
            _elementCount = count;
            _shape = dims;
        }
        finally
        {
            OrtNative.ReleaseTensorTypeAndShapeInfo(info);
        }
    }

    /// <summary>Releases the native value and unpins caller memory.</summary>
    public void Dispose()
    {
        _handle.Dispose();
        _pin.Dispose();
        _pin = default;
        _data = null;
    }
}
