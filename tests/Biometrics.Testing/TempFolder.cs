namespace Biometrics.Testing;

/// <summary>
/// A new, empty folder under the system's temporary folder for one test class or fixture (keys, certificates, videos).
/// Disposing deletes it with everything in it; a file that a stopped process still holds open is left for the system
/// to clean rather than failing the test's teardown.
/// </summary>
public sealed class TempFolder : IDisposable
{
    /// <summary>Creates the folder, named <paramref name="prefix"/> and a random suffix.</summary>
    public TempFolder(string prefix) => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public override string ToString() => Path;

    /// <summary>Deletes the folder and its contents.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
