namespace Biometrics.Onnx;

/// <summary>Graph optimisations ORT applies when it loads a model (ORT's <c>GraphOptimizationLevel</c>).</summary>
public enum GraphOptimizationLevel
{
    /// <summary>No optimisation.</summary>
    DisableAll = 0,
    /// <summary>Constant folding, redundant node elimination.</summary>
    EnableBasic = 1,
    /// <summary>Basic plus node fusions.</summary>
    EnableExtended = 2,
    /// <summary>Everything, including layout optimisations (the default).</summary>
    EnableAll = 99,
}
