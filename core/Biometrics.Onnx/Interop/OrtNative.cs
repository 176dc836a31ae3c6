using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Biometrics.Onnx.Interop;

/// <summary>
/// The loaded ONNX Runtime library: <c>OrtGetApiBase()</c> -&gt; <c>GetApi(ApiVersion)</c>, and unmanaged function
/// pointers read from the <c>OrtApi</c> table at the positions in <see cref="OrtApiIndex"/>. Loaded once,
/// thread-safe; every call site checks its <c>OrtStatus*</c> through <see cref="Check"/>.
/// </summary>
internal static unsafe class OrtNative
{
    /// <summary>The C API version requested from the library (ONNX Runtime 1.30 serves API version 30).</summary>
    public const uint ApiVersion = 30;

    private static readonly object s_gate = new();
    private static volatile bool s_loaded;

    public static string LibraryPath { get; private set; } = "";
    public static string VersionString { get; private set; } = "";

    public static delegate* unmanaged<int, byte*, nint> CreateStatus;
    public static delegate* unmanaged<nint, int> GetErrorCode;
    public static delegate* unmanaged<nint, byte*> GetErrorMessage;
    public static delegate* unmanaged<int, byte*, nint*, nint> CreateEnv;
    public static delegate* unmanaged<nint, byte*, nint, nint*, nint> CreateSession;
    public static delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint> Run;
    public static delegate* unmanaged<nint*, nint> CreateSessionOptions;
    public static delegate* unmanaged<nint, int, nint> SetSessionExecutionMode;
    public static delegate* unmanaged<nint, nint> EnableCpuMemArena;
    public static delegate* unmanaged<nint, nint> DisableCpuMemArena;
    public static delegate* unmanaged<nint, int, nint> SetSessionLogSeverityLevel;
    public static delegate* unmanaged<nint, int, nint> SetSessionGraphOptimizationLevel;
    public static delegate* unmanaged<nint, int, nint> SetIntraOpNumThreads;
    public static delegate* unmanaged<nint, int, nint> SetInterOpNumThreads;
    public static delegate* unmanaged<nint, nuint*, nint> SessionGetInputCount;
    public static delegate* unmanaged<nint, nuint*, nint> SessionGetOutputCount;
    public static delegate* unmanaged<nint, nuint, nint*, nint> SessionGetInputTypeInfo;
    public static delegate* unmanaged<nint, nuint, nint*, nint> SessionGetOutputTypeInfo;
    public static delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetInputName;
    public static delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetOutputName;
    public static delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint> CreateTensorWithDataAsOrtValue;
    public static delegate* unmanaged<nint, int*, nint> IsTensor;
    public static delegate* unmanaged<nint, void**, nint> GetTensorMutableData;
    public static delegate* unmanaged<nint, nint*, nint> CastTypeInfoToTensorInfo;
    public static delegate* unmanaged<nint, int*, nint> GetOnnxTypeFromTypeInfo;
    public static delegate* unmanaged<nint, int*, nint> GetTensorElementType;
    public static delegate* unmanaged<nint, nuint*, nint> GetDimensionsCount;
    public static delegate* unmanaged<nint, long*, nuint, nint> GetDimensions;
    public static delegate* unmanaged<nint, nuint*, nint> GetTensorShapeElementCount;
    public static delegate* unmanaged<nint, nint*, nint> GetTensorTypeAndShape;
    public static delegate* unmanaged<int, int, nint*, nint> CreateCpuMemoryInfo;
    public static delegate* unmanaged<nint, void*, nint> AllocatorFree;
    public static delegate* unmanaged<nint*, nint> GetAllocatorWithDefaultOptions;
    public static delegate* unmanaged<nint, void> ReleaseEnv;
    public static delegate* unmanaged<nint, void> ReleaseStatus;
    public static delegate* unmanaged<nint, void> ReleaseMemoryInfo;
    public static delegate* unmanaged<nint, void> ReleaseSession;
    public static delegate* unmanaged<nint, void> ReleaseValue;
    public static delegate* unmanaged<nint, void> ReleaseTypeInfo;
    public static delegate* unmanaged<nint, void> ReleaseTensorTypeAndShapeInfo;
    public static delegate* unmanaged<nint, void> ReleaseSessionOptions;
    public static delegate* unmanaged<nint, byte*, byte*, nint> AddSessionConfigEntry;

    /// <summary>Exported <c>OrtSessionOptionsAppendExecutionProvider_CUDA(OrtSessionOptions*, int device_id)</c>.</summary>
    public static delegate* unmanaged<nint, int, nint> AppendExecutionProviderCuda;

    /// <summary>Loads the library (once) from <paramref name="libraryPath"/> or <see cref="RuntimeDependencies.OnnxRuntimeLibrary"/>.</summary>
    public static void EnsureLoaded(string? libraryPath = null)
    {
        if (s_loaded)
        {
            return;
        }

        lock (s_gate)
        {
            if (s_loaded)
            {
                return;
            }

            var path = libraryPath ?? RuntimeDependencies.OnnxRuntimeLibrary;
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    $"ONNX Runtime library not found at '{path}'. Run ./scripts/setup.sh (it installs onnxruntime-node 1.30.0's libonnxruntime.so.1 into .deps/onnxruntime).",
                    path);
            }

            var lib = NativeLibrary.Load(path);
            var getApiBase = (delegate* unmanaged<nint*>)NativeLibrary.GetExport(lib, "OrtGetApiBase");
            var apiBase = getApiBase();
            if (apiBase is null)
            {
                throw new OnnxRuntimeException(OrtErrorCode.Fail, $"OrtGetApiBase() returned null in '{path}'.");
            }

            // struct OrtApiBase { const OrtApi* (*GetApi)(uint32_t); const char* (*GetVersionString)(void); }
            var getApi = (delegate* unmanaged<uint, nint*>)apiBase[0];
            var getVersion = (delegate* unmanaged<byte*>)apiBase[1];
            var version = Marshal.PtrToStringUTF8((nint)getVersion()) ?? "?";
            var api = getApi(ApiVersion);
            if (api is null)
            {
                throw new OnnxRuntimeException(OrtErrorCode.Fail,
                    $"ONNX Runtime {version} at '{path}' does not serve C API version {ApiVersion}; install ONNX Runtime 1.30 or newer.");
            }

            Bind(api);
            AppendExecutionProviderCuda = NativeLibrary.TryGetExport(lib, "OrtSessionOptionsAppendExecutionProvider_CUDA", out var cuda)
                ? (delegate* unmanaged<nint, int, nint>)cuda
                : null;
            LibraryPath = path;
            VersionString = version;
            SelfCheck();
            s_loaded = true;
        }
    }

    private static void Bind(nint* t)
    {
        CreateStatus = (delegate* unmanaged<int, byte*, nint>)t[OrtApiIndex.CreateStatus];
        GetErrorCode = (delegate* unmanaged<nint, int>)t[OrtApiIndex.GetErrorCode];
        GetErrorMessage = (delegate* unmanaged<nint, byte*>)t[OrtApiIndex.GetErrorMessage];
        CreateEnv = (delegate* unmanaged<int, byte*, nint*, nint>)t[OrtApiIndex.CreateEnv];
        CreateSession = (delegate* unmanaged<nint, byte*, nint, nint*, nint>)t[OrtApiIndex.CreateSession];
        Run = (delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)t[OrtApiIndex.Run];
        CreateSessionOptions = (delegate* unmanaged<nint*, nint>)t[OrtApiIndex.CreateSessionOptions];
        SetSessionExecutionMode = (delegate* unmanaged<nint, int, nint>)t[OrtApiIndex.SetSessionExecutionMode];
        EnableCpuMemArena = (delegate* unmanaged<nint, nint>)t[OrtApiIndex.EnableCpuMemArena];
        DisableCpuMemArena = (delegate* unmanaged<nint, nint>)t[OrtApiIndex.DisableCpuMemArena];
        SetSessionLogSeverityLevel = (delegate* unmanaged<nint, int, nint>)t[OrtApiIndex.SetSessionLogSeverityLevel];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged<nint, int, nint>)t[OrtApiIndex.SetSessionGraphOptimizationLevel];
        SetIntraOpNumThreads = (delegate* unmanaged<nint, int, nint>)t[OrtApiIndex.SetIntraOpNumThreads];
        SetInterOpNumThreads = (delegate* unmanaged<nint, int, nint>)t[OrtApiIndex.SetInterOpNumThreads];
        SessionGetInputCount = (delegate* unmanaged<nint, nuint*, nint>)t[OrtApiIndex.SessionGetInputCount];
        SessionGetOutputCount = (delegate* unmanaged<nint, nuint*, nint>)t[OrtApiIndex.SessionGetOutputCount];
        SessionGetInputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)t[OrtApiIndex.SessionGetInputTypeInfo];
        SessionGetOutputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)t[OrtApiIndex.SessionGetOutputTypeInfo];
        SessionGetInputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)t[OrtApiIndex.SessionGetInputName];
        SessionGetOutputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)t[OrtApiIndex.SessionGetOutputName];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint>)t[OrtApiIndex.CreateTensorWithDataAsOrtValue];
        IsTensor = (delegate* unmanaged<nint, int*, nint>)t[OrtApiIndex.IsTensor];
        GetTensorMutableData = (delegate* unmanaged<nint, void**, nint>)t[OrtApiIndex.GetTensorMutableData];
        CastTypeInfoToTensorInfo = (delegate* unmanaged<nint, nint*, nint>)t[OrtApiIndex.CastTypeInfoToTensorInfo];
        GetOnnxTypeFromTypeInfo = (delegate* unmanaged<nint, int*, nint>)t[OrtApiIndex.GetOnnxTypeFromTypeInfo];
        GetTensorElementType = (delegate* unmanaged<nint, int*, nint>)t[OrtApiIndex.GetTensorElementType];
        GetDimensionsCount = (delegate* unmanaged<nint, nuint*, nint>)t[OrtApiIndex.GetDimensionsCount];
        GetDimensions = (delegate* unmanaged<nint, long*, nuint, nint>)t[OrtApiIndex.GetDimensions];
        GetTensorShapeElementCount = (delegate* unmanaged<nint, nuint*, nint>)t[OrtApiIndex.GetTensorShapeElementCount];
        GetTensorTypeAndShape = (delegate* unmanaged<nint, nint*, nint>)t[OrtApiIndex.GetTensorTypeAndShape];
        CreateCpuMemoryInfo = (delegate* unmanaged<int, int, nint*, nint>)t[OrtApiIndex.CreateCpuMemoryInfo];
        AllocatorFree = (delegate* unmanaged<nint, void*, nint>)t[OrtApiIndex.AllocatorFree];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged<nint*, nint>)t[OrtApiIndex.GetAllocatorWithDefaultOptions];
        ReleaseEnv = (delegate* unmanaged<nint, void>)t[OrtApiIndex.ReleaseEnv];
        ReleaseStatus = (delegate* unmanaged<nint, void>)t[OrtApiIndex.ReleaseStatus];
        ReleaseMemoryInfo = (delegate* unmanaged<nint, void>)t[OrtApiIndex.ReleaseMemoryInfo];
        ReleaseSession = (delegate* unmanaged<nint, void>)t[OrtApiIndex.ReleaseSession];
        ReleaseValue = (delegate* unmanaged<nint, void>)t[OrtApiIndex.ReleaseValue];
        ReleaseTypeInfo = (delegate* unmanaged<nint, void>)t[OrtApiIndex.ReleaseTypeInfo];
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged<nint, void>)t[OrtApiIndex.ReleaseTensorTypeAndShapeInfo];
        ReleaseSessionOptions = (delegate* unmanaged<nint, void>)t[OrtApiIndex.ReleaseSessionOptions];
        AddSessionConfigEntry = (delegate* unmanaged<nint, byte*, byte*, nint>)t[OrtApiIndex.AddSessionConfigEntry];
    }

    /// <summary>
    /// Guards against a wrong table layout before anything else runs: a status created through
    /// <c>CreateStatus</c> must read back the same code and message through <c>GetErrorCode</c> /
    /// <c>GetErrorMessage</c>, and be freed by <c>ReleaseStatus</c>.
    /// </summary>
    private static void SelfCheck()
    {
        var probe = "biometrics-ort-selfcheck"u8;
        nint status;
        fixed (byte* p = probe)
        {
            Span<byte> z = stackalloc byte[probe.Length + 1];
            probe.CopyTo(z);
            z[^1] = 0;
            fixed (byte* zp = z)
            {
                status = CreateStatus((int)OrtErrorCode.InvalidGraph, zp);
            }
        }

        try
        {
            var code = GetErrorCode(status);
            var message = Marshal.PtrToStringUTF8((nint)GetErrorMessage(status));
            if (code != (int)OrtErrorCode.InvalidGraph || message != "biometrics-ort-selfcheck")
            {
                throw new OnnxRuntimeException(OrtErrorCode.Fail,
                    $"The OrtApi function table of '{LibraryPath}' does not have the expected layout (status self-check failed).");
            }
        }
        finally
        {
            ReleaseStatus(status);
        }
    }

    /// <summary>Throws <see cref="OnnxRuntimeException"/> with ORT's message when <paramref name="status"/> is not null, freeing it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Check(nint status)
    {
        if (status != 0)
        {
            ThrowFromStatus(status);
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowFromStatus(nint status)
    {
        OrtErrorCode code;
        string message;
        try
        {
            code = (OrtErrorCode)GetErrorCode(status);
            message = Marshal.PtrToStringUTF8((nint)GetErrorMessage(status)) ?? "(no message)";
        }
        finally
        {
            ReleaseStatus(status);
        }

        throw new OnnxRuntimeException(code, message);
    }

    /// <summary>Zero-terminated UTF-8 copy of <paramref name="s"/> (for set-up calls, not hot paths).</summary>
    public static byte[] Utf8Z(string s)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(s) + 1];
        System.Text.Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    /// <summary>The default CPU allocator (owned by ORT, never freed).</summary>
    public static nint DefaultAllocator()
    {
        nint allocator;
        Check(GetAllocatorWithDefaultOptions(&allocator));
        return allocator;
    }
}
