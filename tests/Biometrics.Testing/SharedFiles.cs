namespace Biometrics.Testing;

/// <summary>
/// Locates the read-only test data in <c>../shared</c> beside the repository. A test that needs a file
/// that is missing fails with a message that says which file and where it was looked for.
/// </summary>
public static class SharedFiles
{
    private static readonly Lazy<string?> s_root = new(() =>
    {
        var env = Environment.GetEnvironmentVariable("BIOMETRICS_SHARED");
        if (!string.IsNullOrEmpty(env))
        {
            return Directory.Exists(env) ? System.IO.Path.GetFullPath(env) : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(System.IO.Path.Combine(dir.FullName, ".git")) || File.Exists(System.IO.Path.Combine(dir.FullName, "Biometrics.sln")))
            {
                var shared = System.IO.Path.Combine(dir.FullName, "..", "shared");
                return Directory.Exists(shared) ? System.IO.Path.GetFullPath(shared) : null;
            }
        }

        return null;
    });

    /// <summary>The repository root (the folder holding <c>Biometrics.sln</c>).</summary>
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "Biometrics.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException($"Biometrics.sln not found above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>Full path of a file or folder under <c>../shared</c>; fails the test clearly when absent.</summary>
    public static string Path(params string[] parts)
    {
        var root = s_root.Value ?? throw new FileNotFoundException(
            "The shared test data folder '../shared' (beside the repository) is missing; set BIOMETRICS_SHARED " +
            "or check out the repository next to it.");
        var full = System.IO.Path.Combine([root, .. parts]);
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            throw new FileNotFoundException($"Shared test file '{System.IO.Path.Combine(parts)}' is missing under '{root}'.", full);
        }

        return full;
    }

    /// <summary>Path of a face photo under <c>../shared/faces</c>.</summary>
    public static string Face(params string[] parts) => Path(["faces", .. parts]);
}
