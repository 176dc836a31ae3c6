using Biometrics.Onnx.Interop;

namespace Biometrics.Onnx;

/// <summary>
/// Settings applied when an <see cref="InferenceSession"/> is created (a managed description; the native
/// <c>OrtSessionOptions</c> is built and released inside the session constructor, so one instance can configure many
/// sessions). Not thread-safe while being modified.
/// </summary>
/// <remarks>
/// Thread spinning is OFF by default (<c>session.intra_op.allow_spinning</c> = <c>session.inter_op.allow_spinning</c> = 0):
/// ORT's spinning workers steal CPU from Kestrel and Redis on a small shared machine. Thread counts default to 1 so
/// that callers size parallelism deliberately (0 means ORT's default of one thread per core).
/// </remarks>
public sealed class SessionOptions
{
    /// <summary>Config key that lets intra-op workers spin while waiting.</summary>
    public const string IntraOpAllowSpinningKey = "session.intra_op.allow_spinning";

    /// <summary>Config key that lets inter-op workers spin while waiting.</summary>
    public const string InterOpAllowSpinningKey = "session.inter_op.allow_spinning";

    private readonly Dictionary<string, string> _configEntries = new(StringComparer.Ordinal)
    {
        [IntraOpAllowSpinningKey] = "0",
        [InterOpAllowSpinningKey] = "0",
    };

    /// <summary>Threads used inside one operator (0 = ORT default, one per core). Default 1.</summary>
    public int IntraOpNumThreads { get; set; } = 1;

    /// <summary>Threads used to run independent nodes in <see cref="ExecutionMode.Parallel"/> mode. Default 1.</summary>
    public int InterOpNumThreads { get; set; } = 1;

    /// <summary>Graph optimisation level. Default <see cref="GraphOptimizationLevel.EnableAll"/>.</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; set; } = GraphOptimizationLevel.EnableAll;

    /// <summary>Sequential or parallel node execution. Default sequential.</summary>
    public ExecutionMode ExecutionMode { get; set; } = ExecutionMode.Sequential;

    /// <summary>Execution provider. Default CPU; CUDA fails loudly when unavailable.</summary>
    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Cpu;

    /// <summary>CUDA device ordinal when <see cref="ExecutionProvider"/> is CUDA.</summary>
    public int CudaDeviceId { get; set; }

    /// <summary>Whether ORT's CPU memory arena is used (default true).</summary>
    public bool EnableCpuMemArena { get; set; } = true;

    /// <summary>Session log severity (ORT's own log); null keeps the environment's level.</summary>
    public OrtLoggingLevel? LogSeverityLevel { get; set; }

    /// <summary>The session config entries that will be applied (spinning off unless overridden).</summary>
    public IReadOnlyDictionary<string, string> ConfigEntries => _configEntries;

    /// <summary>Adds or replaces a session configuration entry (see ORT's <c>onnxruntime_session_options_config_keys.h</c>).</summary>
    public void AddSessionConfigEntry(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        _configEntries[key] = value;
    }

    /// <summary>Builds the native options; the caller owns the returned handle.</summary>
    internal unsafe OrtSessionOptionsHandle CreateNative()
    {
        if (IntraOpNumThreads < 0 || InterOpNumThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpNumThreads), "Thread counts must be >= 0 (0 = ORT default).");
        }

        nint raw;
        OrtNative.Check(OrtNative.CreateSessionOptions(&raw));
        var handle = new OrtSessionOptionsHandle(raw);
        try
        {
            OrtNative.Check(OrtNative.SetIntraOpNumThreads(raw, IntraOpNumThreads));
            OrtNative.Check(OrtNative.SetInterOpNumThreads(raw, InterOpNumThreads));
            OrtNative.Check(OrtNative.SetSessionGraphOptimizationLevel(raw, (int)GraphOptimizationLevel));
            OrtNative.Check(OrtNative.SetSessionExecutionMode(raw, (int)ExecutionMode));
            OrtNative.Check(EnableCpuMemArena ? OrtNative.EnableCpuMemArena(raw) : OrtNative.DisableCpuMemArena(raw));
            if (LogSeverityLevel is { } level)
            {
                OrtNative.Check(OrtNative.SetSessionLogSeverityLevel(raw, (int)level));
            }

            foreach (var (key, value) in _configEntries)
            {
                fixed (byte* k = OrtNative.Utf8Z(key))
                fixed (byte* v = OrtNative.Utf8Z(value))
                {
                    OrtNative.Check(OrtNative.AddSessionConfigEntry(raw, k, v));
                }
            }

            if (ExecutionProvider == ExecutionProvider.Cuda)
            {
                AppendCuda(raw);
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private unsafe void AppendCuda(nint raw)
    {
        var dir = Path.GetDirectoryName(OrtNative.LibraryPath) ?? ".";
        var provider = Path.Combine(dir, "libonnxruntime_providers_cuda.so");
        if (!File.Exists(provider))
        {
            throw new OnnxRuntimeException(OrtErrorCode.EpFail,
                $"The CUDA execution provider was requested but '{provider}' is not installed (this ONNX Runtime build is CPU-only). " +
                "Install the CUDA provider libraries or configure ExecutionProvider = Cpu; there is no silent CPU fallback.");
        }

        if (OrtNative.AppendExecutionProviderCuda is null)
        {
            throw new OnnxRuntimeException(OrtErrorCode.EpFail,
                $"'{OrtNative.LibraryPath}' does not export OrtSessionOptionsAppendExecutionProvider_CUDA.");
        }

        OrtNative.Check(OrtNative.AppendExecutionProviderCuda(raw, CudaDeviceId));
    }
}
