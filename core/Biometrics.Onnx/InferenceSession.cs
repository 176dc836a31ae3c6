using System.Runtime.CompilerServices;
using Biometrics.Onnx.Interop;

namespace Biometrics.Onnx;

/// <summary>
/// A loaded ONNX model (<c>OrtSession</c>), shaped like Microsoft.ML.OnnxRuntime's <c>InferenceSession</c>.
/// </summary>
/// <remarks>
/// Thread-safe: ORT allows concurrent <c>Run</c> calls on one session, and every overload may be called from many threads
/// at once (each call must use its own input/output values). <see cref="Dispose"/> waits for nothing: runs in flight keep
/// the native session alive through the SafeHandle reference count.
/// </remarks>
public sealed partial class InferenceSession : IDisposable
{
    private readonly OrtSessionHandle _handle;
    private readonly Dictionary<string, int> _inputIndex;
    private readonly Dictionary<string, int> _outputIndex;

    // Zero-terminated UTF-8 node names in pinned arrays: passed to Run without per-call marshalling.
    private readonly byte[][] _inputNamesUtf8;
    private readonly byte[][] _outputNamesUtf8;

    /// <summary>Loads <paramref name="modelPath"/> with <paramref name="options"/> (defaults: CPU, 1 thread, spinning off).</summary>
    /// <exception cref="FileNotFoundException">The model file does not exist (checked before ORT is called).</exception>
    /// <exception cref="OnnxRuntimeException">ORT rejected the model or the options.</exception>
    public unsafe InferenceSession(string modelPath, SessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        var fullPath = Path.GetFullPath(modelPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"ONNX model file '{fullPath}' does not exist.", fullPath);
        }

        var env = OrtEnvironment.Instance;
        options ??= new SessionOptions();
        using var nativeOptions = options.CreateNative();
        nint session;
        fixed (byte* path = OrtNative.Utf8Z(fullPath))
        {
            OrtNative.Check(OrtNative.CreateSession(env.Handle.DangerousGetHandle(), path, nativeOptions.DangerousGetHandle(), &session));
        }

        _handle = new OrtSessionHandle(session);
        ModelPath = fullPath;
        ExecutionProvider = options.ExecutionProvider;
        try
        {
            InputMetadata = ReadMetadata(session, input: true);
            OutputMetadata = ReadMetadata(session, input: false);
        }
        catch
        {
            _handle.Dispose();
            throw;
        }

        InputNames = InputMetadata.Keys.ToArray();
        OutputNames = OutputMetadata.Keys.ToArray();
        _inputIndex = InputNames.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
        _outputIndex = OutputNames.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
        _inputNamesUtf8 = InputNames.Select(PinnedUtf8Z).ToArray();
        _outputNamesUtf8 = OutputNames.Select(PinnedUtf8Z).ToArray();
    }

    /// <summary>Full path of the model file.</summary>
    public string ModelPath { get; }

    /// <summary>The execution provider the session was created with.</summary>
    public ExecutionProvider ExecutionProvider { get; }

    /// <summary>Inputs in model order, by name.</summary>
    public IReadOnlyDictionary<string, NodeMetadata> InputMetadata { get; }

    /// <summary>Outputs in model order, by name.</summary>
    public IReadOnlyDictionary<string, NodeMetadata> OutputMetadata { get; }

    /// <summary>Input names in model order.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>Output names in model order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>
    /// Runs the model; ORT allocates the outputs, which the caller disposes (dispose the returned list).
    /// </summary>
    /// <exception cref="OnnxRuntimeException">ORT rejected the inputs (wrong shape or type) or failed; the message is ORT's.</exception>
    public DisposableOrtValueList Run(IReadOnlyList<string> inputNames, IReadOnlyList<OrtValue> inputs, IReadOnlyList<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(inputNames);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputNames);
        var inNames = inputNames.ToArray();
        var inValues = inputs.ToArray();
        var outNames = outputNames.ToArray();
        var produced = new nint[outNames.Length];
        RunCore(inNames, inValues, outNames, default, produced);
        var values = new OrtValue[produced.Length];
        for (var i = 0; i < produced.Length; i++)
        {
            values[i] = OrtValue.FromOwned(produced[i]);
        }

        return new DisposableOrtValueList(outNames, values);
    }

    /// <summary>Runs the model with every output (model order); the caller disposes the result.</summary>
    public DisposableOrtValueList Run(IReadOnlyList<string> inputNames, IReadOnlyList<OrtValue> inputs) =>
        Run(inputNames, inputs, OutputNames);

    /// <summary>
    /// Hot-path run that writes into caller-provided, pre-allocated output tensors (for example values made by
    /// <see cref="OrtValue.CreateTensorValueFromMemory{T}(Memory{T}, ReadOnlySpan{long})"/> over reusable buffers). Allocation-free.
    /// </summary>
    public void Run(ReadOnlySpan<string> inputNames, ReadOnlySpan<OrtValue> inputs, ReadOnlySpan<string> outputNames, ReadOnlySpan<OrtValue> outputs)
    {
        if (outputs.Length != outputNames.Length)
        {
            throw new ArgumentException($"{outputNames.Length} output names but {outputs.Length} output values.", nameof(outputs));
        }

        RunCore(inputNames, inputs, outputNames, outputs, default);
    }

    private unsafe void RunCore(ReadOnlySpan<string> inputNames, ReadOnlySpan<OrtValue> inputs, ReadOnlySpan<string> outputNames,
        ReadOnlySpan<OrtValue> preallocated, Span<nint> produced)
    {
        if (inputNames.Length != inputs.Length)
        {
            throw new ArgumentException($"{inputNames.Length} input names but {inputs.Length} input values.", nameof(inputs));
        }

        var nIn = inputNames.Length;
        var nOut = outputNames.Length;
        if (nIn > 64 || nOut > 64)
        {
            throw new ArgumentException("At most 64 inputs and 64 outputs per run.");
        }

        nint* inNamePtrs = stackalloc nint[nIn];
        nint* inValuePtrs = stackalloc nint[nIn];
        nint* outNamePtrs = stackalloc nint[nOut];
        nint* outValuePtrs = stackalloc nint[nOut];
        for (var i = 0; i < nIn; i++)
        {
            inNamePtrs[i] = NamePointer(_inputIndex, _inputNamesUtf8, inputNames[i], "input");
        }

        for (var i = 0; i < nOut; i++)
        {
            outNamePtrs[i] = NamePointer(_outputIndex, _outputNamesUtf8, outputNames[i], "output");
        }

        // Hold references on every native object for the duration of the call, so a concurrent Dispose cannot free them.
        var sessionRef = false;
        var inRefs = 0;
        var outRefs = 0;
        try
        {
            _handle.DangerousAddRef(ref sessionRef);
            for (; inRefs < nIn; inRefs++)
            {
                var ok = false;
                inputs[inRefs].Handle.DangerousAddRef(ref ok);
                inValuePtrs[inRefs] = inputs[inRefs].Handle.DangerousGetHandle();
            }

            for (; outRefs < preallocated.Length; outRefs++)
            {
                var ok = false;
                preallocated[outRefs].Handle.DangerousAddRef(ref ok);
                outValuePtrs[outRefs] = preallocated[outRefs].Handle.DangerousGetHandle();
            }

            for (var i = outRefs; i < nOut; i++)
            {
                outValuePtrs[i] = 0;
            }

            OrtNative.Check(OrtNative.Run(_handle.DangerousGetHandle(), 0, inNamePtrs, inValuePtrs, (nuint)nIn, outNamePtrs, (nuint)nOut, outValuePtrs));
            if (preallocated.IsEmpty)
            {
                for (var i = 0; i < nOut; i++)
                {
                    produced[i] = outValuePtrs[i];
                }
            }
        }
        finally
        {
            for (var i = 0; i < outRefs; i++)
            {
                preallocated[i].Handle.DangerousRelease();
            }

            for (var i = 0; i < inRefs; i++)
            {
                inputs[i].Handle.DangerousRelease();
            }

            if (sessionRef)
            {
                _handle.DangerousRelease();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe nint NamePointer(Dictionary<string, int> index, byte[][] names, string name, string kind)
    {
        if (name is null || !index.TryGetValue(name, out var i))
        {
            ThrowUnknownName(name, kind, index.Keys);
            return 0;
        }

        // The arrays are allocated on the pinned object heap: the address is stable.
        return (nint)Unsafe.AsPointer(ref names[i][0]);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowUnknownName(string? name, string kind, IEnumerable<string> known) =>
        throw new ArgumentException($"The model has no {kind} named '{name}'; its {kind}s are: {string.Join(", ", known)}.");

    private static byte[] PinnedUtf8Z(string s)
    {
        var count = System.Text.Encoding.UTF8.GetByteCount(s);
        var bytes = GC.AllocateArray<byte>(count + 1, pinned: true);
        System.Text.Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    /// <summary>Releases the native session (after any run in flight has finished).</summary>
    public void Dispose() => _handle.Dispose();
}
