using Biometrics.Vision;

namespace Biometrics.Benchmarks.Vision;

/// <summary>Locates the shared face photos (../shared/faces beside the repository) for the face benchmarks.</summary>
internal static class FaceBenchImages
{
    public static string SharedFaces()
    {
        var env = Environment.GetEnvironmentVariable("BIOMETRICS_SHARED");
        if (!string.IsNullOrEmpty(env))
        {
            return Path.Combine(env, "faces");
        }

        var deps = RuntimeDependencies.Root ?? throw new DirectoryNotFoundException("no .deps folder; run ./scripts/setup.sh");
        return Path.GetFullPath(Path.Combine(deps, "..", "..", "shared", "faces"));
    }

    public static string Default() =>
        Environment.GetEnvironmentVariable("FACE_BENCH_IMAGE") is { Length: > 0 } path ? path : Path.Combine(SharedFaces(), "deepface", "img2.jpg");

    /// <summary>The photo set used by the side-by-side comparison.</summary>
    public static string[] ComparisonSet()
    {
        var dir = Path.Combine(SharedFaces(), "deepface");
        return new[] { "img1.jpg", "img2.jpg", "img3.jpg", "img4.jpg", "img5.jpg", "img6.jpg", "img7.jpg", "img8.jpg", "couple.jpg", "selfie-many-people.jpg" }
            .Select(f => Path.Combine(dir, f)).ToArray();
    }
}
