namespace Biometrics.Onnx;

/// <summary>Name, element type and shape of one model input or output. Immutable.</summary>
/// <param name="Name">The node name used in <see cref="InferenceSession.Run(IReadOnlyList{string}, IReadOnlyList{OrtValue}, IReadOnlyList{string})"/>.</param>
/// <param name="IsTensor">False for maps, sequences and other non-tensor values.</param>
/// <param name="ElementType">Element type (Undefined when not a tensor).</param>
/// <param name="Shape">Dimensions; -1 marks a dynamic (symbolic or unknown) dimension.</param>
public sealed record NodeMetadata(string Name, bool IsTensor, TensorElementType ElementType, IReadOnlyList<long> Shape)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name}: {ElementType}[{string.Join('x', Shape)}]";
}
