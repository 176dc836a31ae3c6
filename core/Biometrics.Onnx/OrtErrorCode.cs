namespace Biometrics.Onnx;

/// <summary>ONNX Runtime's <c>OrtErrorCode</c>, as carried by an <see cref="OnnxRuntimeException"/>.</summary>
public enum OrtErrorCode
{
    /// <summary>Success (never seen in an exception).</summary>
    Ok = 0,
    /// <summary>Generic failure.</summary>
    Fail = 1,
    /// <summary>An argument (often an input shape or type) is invalid.</summary>
    InvalidArgument = 2,
    /// <summary>A file was not found.</summary>
    NoSuchFile = 3,
    /// <summary>No model loaded.</summary>
    NoModel = 4,
    /// <summary>Engine error.</summary>
    EngineError = 5,
    /// <summary>A runtime exception inside ORT (for example a kernel failing on bad dimensions).</summary>
    RuntimeException = 6,
    /// <summary>The model file is not a valid ONNX protobuf.</summary>
    InvalidProtobuf = 7,
    /// <summary>Model already loaded.</summary>
    ModelLoaded = 8,
    /// <summary>Not implemented in this build.</summary>
    NotImplemented = 9,
    /// <summary>The graph is invalid.</summary>
    InvalidGraph = 10,
    /// <summary>An execution provider failed.</summary>
    EpFail = 11,
}
