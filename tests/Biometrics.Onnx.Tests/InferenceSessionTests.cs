using Biometrics.Onnx;
using Xunit.Abstractions;

namespace Biometrics.Onnx.Tests;

public sealed class InferenceSessionTests(ITestOutputHelper output)
{
    private static string Model(string name) => RuntimeDependencies.Model(name);

    [Fact]
    public void Environment_FirstUse_LoadsOrt130()
    {
        var env = OrtEnvironment.Instance;
        output.WriteLine($"{env.Version} from {env.LibraryPath}");
        Assert.StartsWith("1.30", env.Version);
    }

    [Fact]
    public void Metadata_FrDetect_MatchesDesign()
    {
        using var session = new InferenceSession(Model("fr_detect.onnx"));
        var input = Assert.Single(session.InputMetadata).Value;
        Assert.Equal("input", input.Name);
        Assert.Equal(TensorElementType.Float, input.ElementType);
        Assert.Equal([1L, 3, 240, 320], input.Shape);
        Assert.Equal(["scores", "boxes"], session.OutputNames);
        Assert.Equal([1L, 4420, 2], session.OutputMetadata["scores"].Shape);
        Assert.Equal([1L, 4420, 4], session.OutputMetadata["boxes"].Shape);
        Assert.Equal(TensorElementType.Float, session.OutputMetadata["boxes"].ElementType);
    }

    [Fact]
    public void Metadata_FrFeature_MatchesDesign()
    {
        using var session = new InferenceSession(Model("fr_feature.onnx"));
        var input = Assert.Single(session.InputMetadata).Value;
        output.WriteLine(input.ToString());
        Assert.Equal(TensorElementType.Float, input.ElementType);
        Assert.Equal(4, input.Shape.Count);
        Assert.Equal([3L, 112, 112], input.Shape.Skip(1));
        Assert.True(input.Shape[0] is 1 or -1);
        var outputMeta = Assert.Single(session.OutputMetadata).Value;
        output.WriteLine(outputMeta.ToString());
        Assert.Equal(512, outputMeta.Shape[^1]);
    }

    [Theory]
    [InlineData("fr_landmark.onnx")]
    [InlineData("fr_liveness.onnx")]
    [InlineData("fr_eye.onnx")]
    [InlineData("fr_pose.onnx")]
    public void Metadata_OtherModels_AreFloatTensors(string model)
    {
        using var session = new InferenceSession(Model(model));
        foreach (var node in session.InputMetadata.Values.Concat(session.OutputMetadata.Values))
        {
            output.WriteLine($"{model}: {node}");
            Assert.True(node.IsTensor);
            Assert.Equal(TensorElementType.Float, node.ElementType);
        }
    }

    [Fact]
    public void Constructor_MissingModelFile_ThrowsFileNotFoundWithPath()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N") + ".onnx");
        var ex = Assert.Throws<FileNotFoundException>(() => new InferenceSession(path));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Constructor_NotAnOnnxFile_ThrowsOnnxRuntimeException()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "this is not a model");
            var ex = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(path));
            output.WriteLine(ex.Message);
            Assert.False(string.IsNullOrWhiteSpace(ex.OrtMessage));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Constructor_CudaRequestedWithoutProvider_ThrowsClearError()
    {
        var options = new SessionOptions { ExecutionProvider = ExecutionProvider.Cuda };
        var ex = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(Model("fr_eye.onnx"), options));
        output.WriteLine(ex.Message);
        Assert.Contains("libonnxruntime_providers_cuda.so", ex.Message);
        Assert.Equal(OrtErrorCode.EpFail, ex.ErrorCode);
    }

    [Fact]
    public void SessionOptions_Default_DisablesSpinning()
    {
        var options = new SessionOptions();
        Assert.Equal("0", options.ConfigEntries[SessionOptions.IntraOpAllowSpinningKey]);
        Assert.Equal("0", options.ConfigEntries[SessionOptions.InterOpAllowSpinningKey]);
        options.IntraOpNumThreads = 2;
        options.ExecutionMode = ExecutionMode.Parallel;
        options.GraphOptimizationLevel = GraphOptimizationLevel.EnableBasic;
        using var session = new InferenceSession(Model("fr_eye.onnx"), options);
        Assert.Single(session.InputNames);
    }

    [Fact]
    public void SessionOptions_NegativeThreadCount_ThrowsBeforeOrt()
    {
        var options = new SessionOptions { IntraOpNumThreads = -1 };
        Assert.Throws<ArgumentOutOfRangeException>(() => new InferenceSession(Model("fr_eye.onnx"), options));
    }

    [Fact]
    public void Run_WrongInputShape_ThrowsOnnxRuntimeExceptionWithOrtMessage()
    {
        using var session = new InferenceSession(Model("fr_landmark.onnx"));
        using var input = OrtValue.CreateTensorValueFromMemory(new float[1 * 1 * 32 * 32], [1, 1, 32, 32]);
        var ex = Assert.Throws<OnnxRuntimeException>(() => session.Run([session.InputNames[0]], [input]).Dispose());
        output.WriteLine(ex.Message);
        Assert.Contains("dimension", ex.OrtMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(OrtErrorCode.InvalidArgument, ex.ErrorCode);
    }

    [Fact]
    public void Run_UnknownInputName_ThrowsArgumentException()
    {
        using var session = new InferenceSession(Model("fr_eye.onnx"));
        using var input = OrtValue.CreateTensorValueFromMemory(new float[24 * 24], [1, 1, 24, 24]);
        var ex = Assert.Throws<ArgumentException>(() => session.Run(["nope"], [input]).Dispose());
        Assert.Contains("nope", ex.Message);
    }

    [Fact]
    public void Run_AfterDispose_ThrowsObjectDisposedException()
    {
        var session = new InferenceSession(Model("fr_eye.onnx"));
        using var input = OrtValue.CreateTensorValueFromMemory(new float[24 * 24], [1, 1, 24, 24]);
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Run(session.InputNames, [input]).Dispose());
    }

    [Fact]
    public void CreateTensor_ShapeDoesNotMatchBuffer_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => OrtValue.CreateTensorValueFromMemory(new float[10], [1, 3, 4]));
    }

    [Fact]
    public void Run_PreallocatedOutputs_EqualsAllocatedOutputs()
    {
        using var session = new InferenceSession(Model("fr_landmark.onnx"));
        var data = RandomInput(64 * 64, seed: 7);
        using var input = OrtValue.CreateTensorValueFromMemory(data, [1, 1, 64, 64]);
        using var allocated = session.Run(session.InputNames, [input]);
        var expected = allocated[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal([1L, 136], allocated[0].Shape);

        var buffer = new float[136];
        using var outValue = OrtValue.CreateTensorValueFromMemory(buffer, [1, 136]);
        session.Run([session.InputNames[0]], [input], [session.OutputNames[0]], [outValue]);
        Assert.Equal(expected, buffer);
    }

    [Fact]
    public void Run_ManyTimes_KeepsMemoryFlat()
    {
        using var session = new InferenceSession(Model("fr_eye.onnx"));
        var data = RandomInput(24 * 24, seed: 1);
        using var input = OrtValue.CreateTensorValueFromMemory(data, [1, 1, 24, 24]);
        string[] names = [session.InputNames[0]];
        OrtValue[] inputs = [input];

        void RunBatch(int n)
        {
            for (var i = 0; i < n; i++)
            {
                using var outputs = session.Run(names, inputs);
                _ = outputs[0].GetTensorDataAsSpan<float>()[0];
            }
        }

        RunBatch(2_000);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        process.Refresh();
        var before = process.PrivateMemorySize64;
        var beforeWs = process.WorkingSet64;
        RunBatch(20_000);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        process.Refresh();
        var growth = process.PrivateMemorySize64 - before;
        output.WriteLine($"private bytes {before / 1024} KiB -> {process.PrivateMemorySize64 / 1024} KiB; working set {beforeWs / 1024} KiB -> {process.WorkingSet64 / 1024} KiB");
        Assert.True(growth < 32L * 1024 * 1024, $"private bytes grew by {growth / 1024} KiB over 20,000 runs");
    }

    [Fact]
    public void Run_ConcurrentThreads_MatchSequentialResults()
    {
        using var session = new InferenceSession(Model("fr_landmark.onnx"));
        const int inputsCount = 16;
        var inputs = Enumerable.Range(0, inputsCount).Select(i => RandomInput(64 * 64, seed: 100 + i)).ToArray();
        var expected = inputs.Select(data => RunLandmark(session, data)).ToArray();

        var failures = 0;
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            for (var round = 0; round < 10; round++)
            {
                for (var i = 0; i < inputsCount; i++)
                {
                    var k = (i + t * 5) % inputsCount;
                    if (!expected[k].AsSpan().SequenceEqual(RunLandmark(session, inputs[k])))
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "a worker thread did not finish in time");
        }

        Assert.Equal(0, failures);
    }

    private static float[] RunLandmark(InferenceSession session, float[] data)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(data, [1, 1, 64, 64]);
        using var outputs = session.Run(session.InputNames, [input]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static float[] RandomInput(int n, int seed)
    {
        var random = new Random(seed);
        var data = new float[n];
        for (var i = 0; i < n; i++)
        {
            data[i] = (float)random.NextDouble();
        }

        return data;
    }
}
