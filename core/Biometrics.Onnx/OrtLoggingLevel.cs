namespace Biometrics.Onnx;

/// <summary>Minimum severity of ONNX Runtime's own log messages (written by ORT to stderr).</summary>
public enum OrtLoggingLevel
{
    /// <summary>Everything.</summary>
    Verbose = 0,
    /// <summary>Informational and above.</summary>
    Info = 1,
    /// <summary>Warnings and above.</summary>
    Warning = 2,
    /// <summary>Errors and above (the default: ORT warns about harmless graph details of the face models).</summary>
    Error = 3,
    /// <summary>Fatal errors only.</summary>
    Fatal = 4,
}
