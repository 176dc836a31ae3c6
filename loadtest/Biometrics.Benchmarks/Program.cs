using BenchmarkDotNet.Running;

namespace Biometrics.Benchmarks;

/// <summary>
/// Entry point. <c>dotnet run -c Release -- --filter '*Face*'</c> runs BenchmarkDotNet benchmarks of this assembly
/// (every <c>[Benchmark]</c> class in any subfolder is picked up automatically); a few named tools run instead when
/// the first argument names one (see <see cref="Tools"/>).
/// </summary>
public static class Program
{
    /// <summary>Named non-BenchmarkDotNet harnesses: first argument -> entry point taking the remaining arguments.</summary>
    private static readonly Dictionary<string, Func<string[], int>> Tools = new(StringComparer.Ordinal)
    {
        ["face-compare"] = Vision.FaceStageComparison.Run,
        ["gallery-bench"] = Gallery.GalleryBench.Run,
        ["vnni-peak"] = Gallery.VnniPeak.Run,
        ["ort-gemm"] = Gallery.OrtGemm.Run,
        ["imaging-check"] = Vision.ImagingCheck.Run,
        ["int8-calibrate"] = Vision.Int8Calibration.Run,
    };

    public static int Main(string[] args)
    {
        if (args.Length > 0 && Tools.TryGetValue(args[0], out var tool))
        {
            return tool(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
