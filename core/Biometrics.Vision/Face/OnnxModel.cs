using System.Buffers;
using Microsoft.ML.OnnxRuntime;

namespace Biometrics.Vision.Face;

/// <summary>
/// One single-input float model with fixed shapes over an ONNX Runtime <see cref="InferenceSession"/>: inputs and
/// outputs are tensors over pooled arrays (no copy in or out of ORT). Thread-safe (the session is, and every call rents
/// its own buffers).
/// </summary>
internal sealed class OnnxModel : IDisposable
{
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _inputShape;
    private readonly long[][] _outputShapes;
    private readonly RunOptions _runOptions = new();

    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a model ONNX Runtime can load.</exception>
    public OnnxModel(string path, SessionOptions options)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{path}' does not exist (run ./scripts/setup.sh, or set the models folder).", path);
        }

        try
        {
            Session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            _runOptions.Dispose();
            throw new InvalidDataException($"'{path}' is not a model ONNX Runtime can load: {e.Message}", e);
        }

        try
        {
            if (Session.InputMetadata.Count != 1 || Session.InputMetadata.Values.Concat(Session.OutputMetadata.Values).Any(m => m.ElementType != typeof(float)))
            {
                throw new InvalidDataException($"'{path}' is not a model with one float input and float outputs.");
            }

            var input = Session.InputMetadata.Single();
            _inputNames = [input.Key];
            _inputShape = input.Value.Dimensions.Select(d => d < 0 ? 1L : d).ToArray();
            InputLength = checked((int)_inputShape.Aggregate(1L, (a, b) => a * b));
            _outputNames = Session.OutputMetadata.Keys.ToArray();
            _outputShapes = Session.OutputMetadata.Values.Select(m => m.Dimensions.Select(d => d < 0 ? 1L : d).ToArray()).ToArray();
            OutputLengths = _outputShapes.Select(s => checked((int)s.Aggregate(1L, (a, b) => a * b))).ToArray();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public InferenceSession Session { get; }

    /// <summary>
    /// Loads <paramref name="path"/> with <paramref name="options"/>, or when null with the defaults of
    /// <see cref="FacePipelineOptions"/> (one thread, spinning off, CPU) at <paramref name="defaultLevel"/>.
    /// </summary>
    public static OnnxModel Load(string path, SessionOptions? options, GraphOptimizationLevel defaultLevel)
    {
        if (options is not null)
        {
            return new OnnxModel(path, options);
        }

        using var defaults = new FacePipelineOptions().CreateSessionOptions(defaultLevel);
        return new OnnxModel(path, defaults);
    }

    public int InputLength { get; }

    public IReadOnlyList<int> OutputLengths { get; }

    /// <summary>Rents a buffer of at least <paramref name="length"/> floats.</summary>
    public static float[] Rent(int length) => ArrayPool<float>.Shared.Rent(length);

    public static void Return(float[] buffer) => ArrayPool<float>.Shared.Return(buffer);

    /// <summary>Runs with <paramref name="input"/> (first <see cref="InputLength"/> floats) into <paramref name="outputs"/> (one per model output).</summary>
    public void Run(float[] input, float[][] outputs)
    {
        using var inValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, InputLength), _inputShape);
        var outValues = new OrtValue[_outputNames.Length];
        try
        {
            for (var i = 0; i < outValues.Length; i++)
            {
                outValues[i] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, outputs[i].AsMemory(0, OutputLengths[i]), _outputShapes[i]);
            }

            Session.Run(_runOptions, _inputNames, [inValue], _outputNames, outValues);
        }
        finally
        {
            foreach (var v in outValues)
            {
                v?.Dispose();
            }
        }
    }

    public void Dispose()
    {
        Session.Dispose();
        _runOptions.Dispose();
    }
}
