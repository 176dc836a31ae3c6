using System.Reflection;
using System.Runtime.InteropServices;

namespace Biometrics.Vision.Imaging;

/// <summary>
/// The native OpenCV shim (<c>libbiometrics_native.so</c>, built from <c>core/native</c> by the setup script
/// into <c>.deps/native</c>). Its location comes from <see cref="RuntimeDependencies.NativeShimLibrary"/>.
/// Thread-safe.
/// </summary>
public static class NativeShim
{
    /// <summary>The C ABI version this wrapper was written against (<c>BN_ABI_VERSION</c>).</summary>
    public const int ExpectedAbiVersion = 1;

    private static int s_resolverInstalled;

    /// <summary>ABI version reported by the loaded library; loads it if needed.</summary>
    /// <exception cref="DllNotFoundException">The library has not been built (run scripts/setup.sh).</exception>
    public static int AbiVersion => NativeMethods.AbiVersion();

    /// <summary>
    /// Sets how many worker threads OpenCV itself may use inside one call (resize, warp, colour conversion).
    /// <paramref name="threads"/> &lt;= 0 restores OpenCV's default (one per core). Callers that already run
    /// images in parallel (one per core) should set 1 so the two levels do not oversubscribe the CPU.
    /// </summary>
    public static void SetThreadCount(int threads) => NativeStatus.Check(NativeMethods.SetNumThreads(threads));

    /// <summary>Installs the import resolver for this assembly once (called before the first native call).</summary>
    internal static void EnsureResolver()
    {
        if (Interlocked.Exchange(ref s_resolverInstalled, 1) != 0)
        {
            return;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(typeof(NativeShim).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Another component of this assembly installed a resolver first; it must handle our library name.
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != NativeMethods.Library)
        {
            return 0;
        }

        string path;
        try
        {
            path = RuntimeDependencies.NativeShimLibrary;
        }
        catch (DirectoryNotFoundException e)
        {
            throw new DllNotFoundException($"The native OpenCV shim cannot be located: {e.Message}", e);
        }

        if (!File.Exists(path))
        {
            throw new DllNotFoundException(
                $"The native OpenCV shim '{path}' does not exist. Build it with ./scripts/setup.sh " +
                "(cmake -S core/native -B .deps/native-build -DCMAKE_LIBRARY_OUTPUT_DIRECTORY=.deps/native).");
        }

        return NativeLibrary.Load(path);
    }
}
