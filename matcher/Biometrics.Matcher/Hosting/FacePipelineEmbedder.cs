using System.Diagnostics;
using System.Threading.Channels;
using Biometrics.Matcher.Configuration;
using Biometrics.Matcher.Services;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;
using PolicyQuality = Biometrics.Contract.ProbeQuality;

namespace Biometrics.Matcher.Hosting;

/// <summary>
/// <see cref="IFaceEmbedder"/> over the ONNX face pipeline: decode, detect, landmarks, align, quality, liveness, embed;
/// the largest face of an image is used. Images run on <see cref="PipelineSettings.MaxConcurrency"/> dedicated threads
/// (the rest queue), never on the thread pool: the pipeline's blocking native calls cannot starve the gRPC and Redis
/// continuations of the embedding hot path. Thread-safe.
/// </summary>
public sealed class FacePipelineEmbedder : IFaceEmbedder, IDisposable
{
    private readonly FacePipeline _pipeline;
    private readonly Channel<WorkItem> _queue = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Thread[] _workers;

    /// <summary>Loads the models.</summary>
    public FacePipelineEmbedder(PipelineSettings settings)
    {
        _pipeline = new FacePipeline(new FacePipelineOptions
        {
            ModelsDirectory = string.IsNullOrEmpty(settings.ModelsDirectory) ? null : settings.ModelsDirectory,
            IntraOpNumThreads = settings.IntraOpThreads,
            InterOpNumThreads = 1,
            EnableLiveness = settings.EnableLiveness,
            ExecutionProvider = settings.ExecutionProvider,
        });
        ExecutionProvider = settings.ExecutionProvider.ToString().ToLowerInvariant();
        _workers = new Thread[settings.MaxConcurrency];
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(Work) { IsBackground = true, Name = "face-pipeline-" + i };
            _workers[i].Start();
        }
    }

    /// <inheritdoc />
    public string ModelId => _pipeline.ModelId;

    /// <inheritdoc />
    public string ExecutionProvider { get; }

    /// <inheritdoc />
    public string ModelFile => Path.GetFileName(_pipeline.Embedder.ModelPath);

    /// <inheritdoc />
    public string? ModelSha256 => _pipeline.Embedder.FileSha256;

    /// <inheritdoc />
    public Task<FaceVector?> EmbedAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
    {
        var item = new WorkItem(image, cancellationToken);
        if (!_queue.Writer.TryWrite(item)) throw new ObjectDisposedException(nameof(FacePipelineEmbedder));
        return item.Completion.Task;
    }

    private void Work()
    {
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var item))
            {
                if (item.CancellationToken.IsCancellationRequested)
                {
                    item.Completion.TrySetCanceled(item.CancellationToken);
                    continue;
                }

                try
                {
                    item.Completion.TrySetResult(Embed(item.Image.Span));
                }
                catch (Exception ex)
                {
                    item.Completion.TrySetException(ex);
                }
            }
        }
    }

    private sealed class WorkItem(ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
    {
        public ReadOnlyMemory<byte> Image { get; } = image;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<FaceVector?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
        _queue.Writer.TryComplete();
        foreach (var w in _workers) w.Join(TimeSpan.FromSeconds(10));
        _pipeline.Dispose();
    }
}
