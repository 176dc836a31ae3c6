namespace Biometrics.Vision.Face;

/// <summary>
/// Which copy of the embedding model <see cref="FacePipeline"/> loads from the models folder. <c>scripts/setup.sh</c> derives
/// the copies from the published file and checks them by SHA-256 (docs/VISION.md, "Embedder model copies").
/// </summary>
public enum EmbedderModel
{
    /// <summary><c>fr_feature.onnx</c> as published.</summary>
    Published,

    /// <summary>
    /// <c>fr_feature_rewritten.onnx</c>: the published model with every PRelu written as Mul, Relu, Mul, Add, the same function,
    /// which ONNX Runtime runs about 2.5x faster. Scores equal the published model's within 1e-5, so it keeps the published
    /// model's id, templates and thresholds.
    /// </summary>
    Rewritten,

    /// <summary>
    /// <c>fr_feature_int8.onnx</c>: a static int8 copy (int8 weights, uint8 activations). Its scores differ from the float
    /// model's by up to a few hundredths, so it has its own model id (the SHA-256 of its file), templates and thresholds.
    /// </summary>
    Int8,
}
