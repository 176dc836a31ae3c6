namespace Biometrics.Vision;

/// <summary>
/// Locates the runtime artefacts that the setup script installs into the git-ignored <c>.deps/</c>
/// folder (the face model files; ONNX Runtime itself comes from its NuGet package). Thread-safe.
/// </summary>
/// <remarks>
/// Resolution order: the <c>BIOMETRICS_DEPS</c> environment variable, then the first <c>.deps</c>
/// folder found walking up from the application base directory, then from the current directory.
/// </remarks>
public static class RuntimeDependencies
{
    /// <summary>Environment variable that overrides where <c>.deps/</c> is.</summary>
    public const string EnvironmentVariable = "BIOMETRICS_DEPS";

    private static readonly Lazy<string?> s_root = new(FindRoot);

    /// <summary>The <c>.deps</c> folder, or <c>null</c> when none was found.</summary>
    public static string? Root => s_root.Value;

    /// <summary>Folder holding the face model files (<c>fr_*.onnx</c>).</summary>
    public static string ModelsDirectory => Path.Combine(RequireRoot(), "models");

    /// <summary>Full path of a model file in <see cref="ModelsDirectory"/>.</summary>
    public static string Model(string fileName) => Path.Combine(ModelsDirectory, fileName);

    private static string RequireRoot() =>
        Root ?? throw new DirectoryNotFoundException(
            $"Runtime dependencies not found: no '.deps' folder above '{AppContext.BaseDirectory}' or " +
            $"'{Environment.CurrentDirectory}', and {EnvironmentVariable} is not set. Run ./scripts/setup.sh first.");

    private static string? FindRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return Directory.Exists(fromEnv) ? Path.GetFullPath(fromEnv) : null;
        }

        return WalkUp(AppContext.BaseDirectory) ?? WalkUp(Environment.CurrentDirectory);
    }

    private static string? WalkUp(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".deps");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
