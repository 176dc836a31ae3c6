namespace Biometrics.Grpc.IntegrationTests.Fixtures;

/// <summary>Where the python side of the interop tests and the test server live.</summary>
public static class InteropPaths
{
    public const string Python = "/usr/bin/python3";

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string InteropDir => Path.Combine(RepoRoot, "tests", "Biometrics.Grpc.IntegrationTests", "interop");

    /// <summary>The test server assembly built next to the tests (same configuration).</summary>
    public static string TestServerDll
    {
        get
        {
            var local = Path.Combine(AppContext.BaseDirectory, "Biometrics.Grpc.TestServer.dll");
            if (File.Exists(Path.ChangeExtension(local, ".runtimeconfig.json"))) return local;
            var config = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            return Path.Combine(RepoRoot, "tests", "Biometrics.Grpc.TestServer", "bin", config, "net10.0", "Biometrics.Grpc.TestServer.dll");
        }
    }

    /// <summary>A fresh temporary directory for generated python stubs.</summary>
    public static string NewGenDir() => Directory.CreateTempSubdirectory("biometrics-grpc-py-").FullName;

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Biometrics.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Biometrics.sln not found above " + AppContext.BaseDirectory);
    }
}
