using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Biometrics.Matcher.Services;

/// <summary>Turns a <see cref="FaceInput"/> into a validated <see cref="FaceVector"/>: checks an embedding (length, finite
/// values, non-zero, known model_id) and normalises it, or runs an image through the face pipeline. Thread-safe.</summary>
public sealed class FaceResolver
{
    private readonly ModelCatalog _models;
    private readonly IFaceEmbedder? _embedder;
    private readonly MatchingOptions _options;

    /// <summary>Creates the resolver; <paramref name="embedder"/> null disables image input (INVALID_ARGUMENT).</summary>
    public FaceResolver(ModelCatalog models, MatchingOptions options, IFaceEmbedder? embedder)
    {
        _models = models;
        _options = options;
        _embedder = embedder;
    }

    /// <summary>Resolves one face; null when an image holds no face.</summary>
    /// <param name="input">The face.</param>
    /// <param name="what">What the face is, for error messages ("probe", "reference template", ...).</param>
    /// <param name="cancellationToken">Cancels the pipeline wait.</param>
    /// <exception cref="MatcherException">INVALID_ARGUMENT or RESOURCE_EXHAUSTED with a clear message.</exception>
    public async ValueTask<FaceVector?> ResolveAsync(FaceInput input, string what, CancellationToken cancellationToken)
    {
        if (!input.Values.IsEmpty)
        {
            var owned = input.OwnsValues && MemoryMarshal.TryGetArray(input.Values, out var whole) && whole.Offset == 0
                && whole.Count == whole.Array!.Length ? whole.Array : null;
            return new FaceVector(Normalise(input.Values.Span, input.ModelId, what, owned), input.ModelId, input.Quality);
        }

        if (input.Image.IsEmpty)
        {
            throw MatcherException.Invalid("empty_face", $"The {what} carries neither an embedding nor an image.");
        }

        if (input.Image.Length > _options.MaxImageBytes)
        {
            throw new MatcherException(MatcherErrorKind.ResourceExhausted, "image_too_large",
                $"The {what} image is {input.Image.Length} bytes; at most {_options.MaxImageBytes} are accepted.");
        }

        if (_embedder is null)
        {
            throw MatcherException.Invalid("images_disabled", $"This matcher runs no face pipeline: send the {what} as an embedding.");
        }

        return await _embedder.EmbedAsync(input.Image, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Validates and L2-normalises an embedding (a new array).</summary>
    /// <exception cref="MatcherException">INVALID_ARGUMENT: unknown model_id, wrong length, NaN/Inf or zero vector.</exception>
    public float[] Normalise(ReadOnlySpan<float> values, string modelId, string what) => Normalise(values, modelId, what, null);

    // into: null for a new array, or the array values spans (normalised in place).
    private float[] Normalise(ReadOnlySpan<float> values, string modelId, string what, float[]? into)
    {
        if (string.IsNullOrEmpty(modelId))
        {
            throw MatcherException.Invalid("model_id_missing", $"The {what} embedding has no model_id.");
        }

        if (!_models.IsKnown(modelId))
        {
            throw MatcherException.Invalid("model_id_unknown",
                $"The {what} model_id '{Truncate(modelId)}' is unknown; this matcher accepts: {string.Join(", ", _models.KnownModels)}.");
        }

        if (values.Length != _options.Dimension)
        {
            throw MatcherException.Invalid("embedding_length", $"The {what} embedding has {values.Length} values; exactly {_options.Dimension} are required.");
        }

        if (!TensorPrimitives.IsFiniteAll(values))
        {
            throw MatcherException.Invalid("embedding_not_finite", $"The {what} embedding contains NaN or infinity.");
        }

        var norm = TensorPrimitives.Norm(values);
        if (!(norm > 1e-6f) || !float.IsFinite(norm))
        {
            throw MatcherException.Invalid("embedding_zero", $"The {what} embedding is a zero (or unusable) vector.");
        }

        var result = into ?? new float[values.Length];
        TensorPrimitives.Divide(values, norm, result);
        return result;
    }

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "...";
}
