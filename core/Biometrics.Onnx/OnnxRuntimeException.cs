namespace Biometrics.Onnx;

/// <summary>An error reported by ONNX Runtime through an <c>OrtStatus</c>; the message is ORT's own.</summary>
public sealed class OnnxRuntimeException : Exception
{
    /// <summary>Creates the exception from ORT's error code and message.</summary>
    public OnnxRuntimeException(OrtErrorCode errorCode, string message)
        : base($"[ONNXRuntimeError] {errorCode}: {message}")
    {
        ErrorCode = errorCode;
        OrtMessage = message;
    }

    /// <summary>ORT's error code.</summary>
    public OrtErrorCode ErrorCode { get; }

    /// <summary>ORT's message, unchanged.</summary>
    public string OrtMessage { get; }
}
