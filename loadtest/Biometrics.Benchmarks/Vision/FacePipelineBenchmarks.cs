using BenchmarkDotNet.Attributes;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;

namespace Biometrics.Benchmarks.Vision;

/// <summary>
/// One benchmark per face-pipeline stage on one photo with one face (deepface img2.jpg, or FACE_BENCH_IMAGE):
/// decode, detect (whole frame), landmarks, align and embed (one face), plus the full Analyze+Embed.
/// ORT sessions use 1 intra-op thread with spinning off (the pipeline default).
/// </summary>
[MemoryDiagnoser]
public class FacePipelineBenchmarks
{
    private FacePipeline _pipeline = null!;
    private byte[] _encoded = null!;
    private Image _image = null!;
    private FaceBox _box;
    private System.Numerics.Vector2[] _five = null!;
    private Image _aligned = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pipeline = new FacePipeline(new FacePipelineOptions { EnableLiveness = false });
        _encoded = File.ReadAllBytes(FaceBenchImages.Default());
        _image = Image.Decode(_encoded);
        _box = _pipeline.Detector.Detect(_image)[0];
        _five = FaceAligner.FivePoints(_pipeline.Landmarks.Detect(_image, _box));
        _aligned = FaceAligner.Align(_image, _five);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _aligned.Dispose();
        _image.Dispose();
        _pipeline.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int Decode()
    {
        using var image = Image.Decode(_encoded);
        return image.Width;
    }

    [Benchmark]
    public int Detect() => _pipeline.Detector.Detect(_image).Count;

    [Benchmark]
    public float Landmarks() => _pipeline.Landmarks.Detect(_image, _box)[30].X;

    [Benchmark]
    public int Align()
    {
        using var aligned = FaceAligner.Align(_image, _five);
        return aligned.Width;
    }

    [Benchmark]
    public float Embed() => _pipeline.Embedder.Embed(_aligned).Vector[0];

    [Benchmark]
    public int AnalyzeAndEmbed()
    {
        var faces = _pipeline.Analyze(_image);
        var n = _pipeline.Embed(faces).Count;
        foreach (var f in faces)
        {
            f.Dispose();
        }

        return n;
    }
}
