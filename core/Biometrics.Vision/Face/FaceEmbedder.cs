using System.Security.Cryptography;
using System.Numerics.Tensors;
using Biometrics.Vision.Imaging;
using Microsoft.ML.OnnxRuntime;

namespace Biometrics.Vision.Face;

/// <summary>
/// Face embeddings with <c>fr_feature.onnx</c>: an aligned 112x112 face, RGB, (v-127)/128, CHW, gives 512 values that are
/// L2-normalised. With <see cref="FlipAverage"/> the face and its mirror image are embedded and the sum is normalised
/// (slightly more robust, twice the cost). Thread-safe.
/// </summary>
public sealed class FaceEmbedder : IDisposable
{
    /// <summary>Embedding length.</summary>
    public const int Dimension = 512;

    private const int Side = FaceAligner.Size;
    private readonly OnnxModel _model;

    /// <summary>
    /// Loads the model from <paramref name="modelPath"/>; <see cref="ModelId"/> is <paramref name="modelId"/> or, when null,
    /// derived from the file's SHA-256 (a copy that computes the same function as another file passes that file's id).
    /// </summary>
    /// <remarks>Without <paramref name="options"/> the session uses <see cref="GraphOptimizationLevel.ORT_ENABLE_ALL"/> (see <see cref="FacePipelineOptions.EmbedderGraphOptimizationLevel"/>).</remarks>
    public FaceEmbedder(string modelPath, SessionOptions? options = null, string? modelId = null)
    {
        _model = OnnxModel.Load(modelPath, options, GraphOptimizationLevel.ORT_ENABLE_ALL);
        if (_model.InputLength != 3 * Side * Side || _model.OutputLengths[0] != Dimension)
        {
            _model.Dispose();
            throw new InvalidDataException($"'{modelPath}' does not look like fr_feature (input 1x3x112x112, output 1x512).");
        }

        ModelPath = modelPath;
        FileSha256 = Sha256Of(modelPath);
        ModelId = modelId ?? IdOf(FileSha256);
    }

    /// <summary>"fr_feature-" + the first 12 lowercase hex digits of the SHA-256 of the model file.</summary>
    public string ModelId { get; }

    /// <summary>The model file this embedder runs (for a copy, the copy's file, not the one whose id it carries).</summary>
    public string ModelPath { get; }

    /// <summary>Full lowercase hex SHA-256 of <see cref="ModelPath"/>.</summary>
    public string FileSha256 { get; }

    /// <summary>Embeds the face and its mirror image and averages them (default false).</summary>
    public bool FlipAverage { get; init; }

    /// <summary>Model id for the model file at <paramref name="modelPath"/>.</summary>
    public static string ComputeModelId(string modelPath) => IdOf(Sha256Of(modelPath));

    private static string IdOf(string sha256) => "fr_feature-" + sha256[..12];

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Embeds one aligned 112x112 face.</summary>
    public FaceEmbedding Embed(Image alignedFace)
    {
        var vector = new float[Dimension];
        EmbedInto(alignedFace, vector);
        return new FaceEmbedding(vector, ModelId);
    }

    /// <summary>
    /// Embeds many aligned faces; the model takes a batch of one, so faces run one after another inside, but callers use
    /// one call per batch (a batched model can replace this without changing them).
    /// </summary>
    public IReadOnlyList<FaceEmbedding> EmbedBatch(IReadOnlyList<Image> alignedFaces)
    {
        ArgumentNullException.ThrowIfNull(alignedFaces);
        var result = new FaceEmbedding[alignedFaces.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Embed(alignedFaces[i]);
        }

        return result;
    }

    /// <summary>Writes the normalised embedding of <paramref name="alignedFace"/> into <paramref name="destination"/> (512 floats).</summary>
    public void EmbedInto(Image alignedFace, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(alignedFace);
        if (alignedFace.Width != Side || alignedFace.Height != Side)
        {
            throw new ArgumentException($"An aligned face is {Side}x{Side}, not {alignedFace.Width}x{alignedFace.Height}.", nameof(alignedFace));
        }

        if (destination.Length < Dimension)
        {
            throw new ArgumentException($"destination needs {Dimension} floats", nameof(destination));
        }

        var output = destination[..Dimension];
        RunRaw(alignedFace, output);
        if (FlipAverage)
        {
            Span<float> mirrored = stackalloc float[Dimension];
            using (var flipped = alignedFace.Flip())
            {
                RunRaw(flipped, mirrored);
            }

            TensorPrimitives.Add(output, mirrored, output);
        }

        var norm = TensorPrimitives.Norm(output);
        if (!(norm > 1e-12f) || !float.IsFinite(norm))
        {
            throw new InvalidOperationException("The face model produced a zero or non-finite embedding.");
        }

        TensorPrimitives.Divide(output, norm, output);
    }

    private void RunRaw(Image face, Span<float> destination)
    {
        var input = OnnxModel.Rent(_model.InputLength);
        var output = OnnxModel.Rent(Dimension);
        try
        {
            TensorPacking.PackChw(face, input, rgb: true, mean: 127f, scale: 1f / 128f);
            _model.Run(input, [output]);
            output.AsSpan(0, Dimension).CopyTo(destination);
        }
        finally
        {
            OnnxModel.Return(input);
            OnnxModel.Return(output);
        }
    }

    /// <summary>Releases the model.</summary>
    public void Dispose() => _model.Dispose();
}
