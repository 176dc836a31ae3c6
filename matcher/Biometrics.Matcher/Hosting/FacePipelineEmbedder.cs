using System.Diagnostics;
using Biometrics.Matcher.Configuration;
using Biometrics.Matcher.Services;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;
using PolicyQuality = Biometrics.Matcher.Policy.ProbeQuality;

namespace Biometrics.Matcher.Hosting;

/// <summary>
/// <see cref="IFaceEmbedder"/> over the ONNX face pipeline: decode, detect, landmarks, align, quality, liveness, embed;
/// the largest face of an image is used. At most <see cref="PipelineSettings.MaxConcurrency"/> images run at once (the
/// rest wait), so image traffic cannot starve the embedding hot path of CPU. Thread-safe.
/// </summary>
public sealed class FacePipelineEmbedder : IFaceEmbedder, IDisposable
{
    private readonly FacePipeline _pipeline;
    private readonly SemaphoreSlim _gate;

    /// <summary>Loads the models.</summary>
    public FacePipelineEmbedder(PipelineSettings settings)
    {
        _pipeline = new FacePipeline(new FacePipelineOptions
        {
            ModelsDirectory = string.IsNullOrEmpty(settings.ModelsDirectory) ? null : settings.ModelsDirectory,
            IntraOpNumThreads = settings.IntraOpThreads,
            InterOpNumThreads = 1,
            EnableLiveness = settings.EnableLiveness,
        });
        _gate = new SemaphoreSlim(settings.MaxConcurrency, settings.MaxConcurrency);
    }

    /// <inheritdoc />
    public string ModelId => _pipeline.ModelId;

    /// <inheritdoc />
    public async Task<FaceVector?> EmbedAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Embed(image.Span);
        }
        finally
        {
            _gate.Release();
        }
    }

    private FaceVector? Embed(ReadOnlySpan<byte> image)
    {
        var start = Stopwatch.GetTimestamp();
        FaceProcessResult result;
        try
        {
            result = _pipeline.Process(image);
        }
        catch (ImageDecodeException ex)
        {
            throw ex.Reason == ImageDecodeError.TooLarge
                ? new MatcherException(MatcherErrorKind.ResourceExhausted, "image_too_large", "The image is too large: " + ex.Message)
                : MatcherException.Invalid("image_corrupt", "The image could not be decoded: " + ex.Message);
        }

        using (result)
        {
            if (result.Faces.Count == 0) return null;
            var face = result.Faces[0];
            var q = face.Quality;
            var quality = new PolicyQuality((float)q.InterEyeDistance, (float)q.Sharpness, (float)q.Brightness, (float)q.Yaw, (float)q.Pitch,
                face.Liveness?.LiveScore ?? -1f, Measured: true);
            return new FaceVector(result.Embeddings[0].ToArray(), result.Embeddings[0].ModelId, quality, Stopwatch.GetElapsedTime(start).TotalMilliseconds, face.Score);
        }
    }

    /// <summary>Releases the models.</summary>
    public void Dispose()
    {
        _pipeline.Dispose();
        _gate.Dispose();
    }
}
