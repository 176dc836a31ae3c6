namespace Biometrics.Onnx;

/// <summary>Whether ORT runs independent graph branches one after another or in parallel.</summary>
public enum ExecutionMode
{
    /// <summary>One node at a time (the default; the inter-op pool is unused).</summary>
    Sequential = 0,
    /// <summary>Independent branches in parallel on the inter-op thread pool.</summary>
    Parallel = 1,
}
