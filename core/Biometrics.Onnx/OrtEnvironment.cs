using Biometrics.Onnx.Interop;

namespace Biometrics.Onnx;

/// <summary>
/// The process-wide ONNX Runtime environment (<c>OrtEnv</c>): loads <c>libonnxruntime.so.1</c> on first use and is shared
/// by every <see cref="InferenceSession"/>. Thread-safe; lives for the life of the process.
/// </summary>
public sealed unsafe class OrtEnvironment
{
    private static readonly object s_gate = new();
    private static OrtEnvironment? s_instance;
    private static string? s_libraryPath;
    private static OrtLoggingLevel s_loggingLevel = OrtLoggingLevel.Error;

    private OrtEnvironment(string libraryPath, OrtLoggingLevel level)
    {
        OrtNative.EnsureLoaded(libraryPath);
        nint env;
        fixed (byte* id = "biometrics\0"u8)
        {
            OrtNative.Check(OrtNative.CreateEnv((int)level, id, &env));
        }

        Handle = new OrtEnvHandle(env);
        nint info;
        OrtNative.Check(OrtNative.CreateCpuMemoryInfo(0 /* OrtDeviceAllocator */, 0 /* OrtMemTypeDefault */, &info));
        CpuMemoryInfo = new OrtMemoryInfoHandle(info);
        LoggingLevel = level;
    }

    /// <summary>The shared environment, created on first access (throws a clear error when the library is missing).</summary>
    public static OrtEnvironment Instance
    {
        get
        {
            var existing = Volatile.Read(ref s_instance);
            if (existing is not null)
            {
                return existing;
            }

            lock (s_gate)
            {
                return s_instance ??= new OrtEnvironment(s_libraryPath ?? RuntimeDependencies.OnnxRuntimeLibrary, s_loggingLevel);
            }
        }
    }

    /// <summary>
    /// Chooses the library path and ORT's log level before the environment is first used; throws
    /// <see cref="InvalidOperationException"/> once it exists.
    /// </summary>
    public static void Configure(string? libraryPath = null, OrtLoggingLevel loggingLevel = OrtLoggingLevel.Error)
    {
        lock (s_gate)
        {
            if (s_instance is not null)
            {
                throw new InvalidOperationException("The ONNX Runtime environment already exists; configure it before the first session.");
            }

            s_libraryPath = libraryPath;
            s_loggingLevel = loggingLevel;
        }
    }

    /// <summary>ORT's version string, e.g. "1.30.0".</summary>
    public string Version => OrtNative.VersionString;

    /// <summary>Full path of the loaded <c>libonnxruntime.so.1</c>.</summary>
    public string LibraryPath => OrtNative.LibraryPath;

    /// <summary>ORT's log level for this environment.</summary>
    public OrtLoggingLevel LoggingLevel { get; }

    internal OrtEnvHandle Handle { get; }

    internal OrtMemoryInfoHandle CpuMemoryInfo { get; }
}
