using System.Buffers;
using Biometrics.Onnx;

namespace Biometrics.Vision.Face;

/// <summary>
/// One single-input float model with fixed shapes: runs into pooled buffers through the pre-allocated-output overload.
/// Thread-safe (the session is, and every call rents its own buffers).
/// </summary>
internal sealed class OnnxModel : IDisposable
{
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _inputShape;
    private readonly long[][] _outputShapes;

    public OnnxModel(string path, SessionOptions options)
    {
        Session = new InferenceSession(path, options);
        try
        {
            var input = Session.InputMetadata.Values.Single();
            _inputNames = [input.Name];
            _inputShape = input.Shape.Select(d => d < 0 ? 1 : d).ToArray();
            InputLength = checked((int)_inputShape.Aggregate(1L, (a, b) => a * b));
            _outputNames = Session.OutputNames.ToArray();
            _outputShapes = Session.OutputMetadata.Values.Select(m => m.Shape.Select(d => d < 0 ? 1 : d).ToArray()).ToArray();
            OutputLengths = _outputShapes.Select(s => checked((int)s.Aggregate(1L, (a, b) => a * b))).ToArray();
        }
        catch
        {
            Session.Dispose();
            throw;
        }
    }

    public InferenceSession Session { get; }

    public int InputLength { get; }

    public IReadOnlyList<int> OutputLengths { get; }

    public IReadOnlyList<long> InputShape => _inputShape;

    /// <summary>Rents an input buffer of at least <see cref="InputLength"/> floats.</summary>
    public static float[] Rent(int length) => ArrayPool<float>.Shared.Rent(length);

    public static void Return(float[] buffer) => ArrayPool<float>.Shared.Return(buffer);

    /// <summary>Runs with <paramref name="input"/> (first <see cref="InputLength"/> floats) into <paramref name="outputs"/> (one per model output).</summary>
    public void Run(float[] input, float[][] outputs)
    {
        using var inValue = OrtValue.CreateTensorValueFromMemory(input.AsMemory(0, InputLength), _inputShape);
        var outValues = new OrtValue[_outputNames.Length];
        try
        {
            for (var i = 0; i < outValues.Length; i++)
            {
                outValues[i] = OrtValue.CreateTensorValueFromMemory(outputs[i].AsMemory(0, OutputLengths[i]), _outputShapes[i]);
            }

            Session.Run(_inputNames, [inValue], _outputNames, outValues);
        }
        finally
        {
            foreach (var v in outValues)
            {
                v?.Dispose();
            }
        }
    }

    public void Dispose() => Session.Dispose();
}
