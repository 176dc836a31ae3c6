using Biometrics.Vision.Face;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace Biometrics.Vision.Tests.Face;

/// <summary>Loading the face models through ONNX Runtime: clear errors for missing, foreign or wrong files and for CUDA.</summary>
public sealed class FaceModelLoadingTests(ITestOutputHelper output)
{
    [Fact]
    public void Constructor_MissingModelFile_ThrowsFileNotFoundWithPath()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N") + ".onnx");
        var ex = Assert.Throws<FileNotFoundException>(() => new FaceDetector(path));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Constructor_NotAnOnnxFile_ThrowsInvalidDataNamingTheFile()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "this is not a model");
            var ex = Assert.Throws<InvalidDataException>(() => new FaceEmbedder(path));
            output.WriteLine(ex.Message);
            Assert.Contains(path, ex.Message);
            Assert.IsType<OnnxRuntimeException>(ex.InnerException);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("fr_landmark.onnx")]
    [InlineData("fr_liveness.onnx")]
    public void Constructor_AnotherModel_ThrowsInvalidDataSayingWhatWasExpected(string model)
    {
        var ex = Assert.Throws<InvalidDataException>(() => new FaceDetector(RuntimeDependencies.Model(model)));
        Assert.Contains("fr_detect", ex.Message);
    }

    [Fact]
    public void Pipeline_DerivedEmbedderCopyMissing_ThrowsFileNotFoundSayingRunSetup()
    {
        var dir = Directory.CreateTempSubdirectory("models-without-copies-");
        try
        {
            foreach (var model in new[] { "fr_detect.onnx", "fr_landmark.onnx", "fr_feature.onnx" })
            {
                File.CreateSymbolicLink(Path.Combine(dir.FullName, model), RuntimeDependencies.Model(model));
            }

            var ex = Assert.Throws<FileNotFoundException>(() => new FacePipeline(new FacePipelineOptions { ModelsDirectory = dir.FullName, EnableLiveness = false }));
            output.WriteLine(ex.Message);
            Assert.Contains(FacePipeline.EmbedderFile(EmbedderModel.Rewritten), ex.Message);
            Assert.Contains("setup.sh", ex.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Pipeline_CudaOnHostWithoutIt_FailsAtStartupWithoutFallback()
    {
        if (OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"))
        {
            output.WriteLine("GPU build (-p:OnnxGpu=true): on a host without CUDA the session must fail to start");
        }

        var options = new FacePipelineOptions { ExecutionProvider = ExecutionProvider.Cuda, EnableLiveness = false };
        try
        {
            using var pipeline = new FacePipeline(options);
            Assert.True(OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"), "CUDA was configured on a CPU-only build and the pipeline started anyway");
        }
        catch (ExecutionProviderUnavailableException e)
        {
            output.WriteLine(e.Message);
            Assert.Contains("CUDA", e.Message);
            Assert.Contains("no silent CPU fallback", e.Message);
        }
    }

    [Fact]
    public void CreateSessionOptions_NegativeThreadCount_ThrowsBeforeOrt()
    {
        var options = new FacePipelineOptions { IntraOpNumThreads = -1 };
        Assert.Throws<ArgumentOutOfRangeException>(() => options.CreateSessionOptions(GraphOptimizationLevel.ORT_ENABLE_ALL));
    }

    [Fact]
    public void Embed_SameFaceManyTimes_GivesIdenticalEmbeddings()
    {
        using var embedder = new FaceEmbedder(RuntimeDependencies.Model("fr_feature.onnx"));
        var pixels = new byte[FaceAligner.Size * FaceAligner.Size * 3];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 7 % 251);
        }

        using var face = Biometrics.Vision.Imaging.Image.FromPixels(pixels, FaceAligner.Size, FaceAligner.Size, 3);
        var first = embedder.Embed(face).Vector.ToArray();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(first, embedder.Embed(face).Vector.ToArray());
        }
    }
}
