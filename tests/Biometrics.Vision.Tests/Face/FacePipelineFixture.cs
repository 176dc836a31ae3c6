using System.Collections.Concurrent;
using Biometrics.Testing;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;

namespace Biometrics.Vision.Tests.Face;

/// <summary>
/// Loads the face models once for all face tests and caches embeddings of the shared photos: <see cref="Pipeline"/> with the
/// default options, and on demand one pipeline per other <see cref="EmbedderModel"/>.
/// </summary>
public sealed class FacePipelineFixture : IDisposable
{
    private readonly ConcurrentDictionary<string, FaceEmbedding> _embeddings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<EmbedderModel, Lazy<FacePipeline>> _others = new();

    public FacePipelineFixture()
    {
        Pipeline = new FacePipeline(new FacePipelineOptions { FallbackToCenterCrop = true, IntraOpNumThreads = 1 });
    }

    public FacePipeline Pipeline { get; }

    /// <summary>The embedding of the largest face of a shared photo (centred-crop fallback when nothing is detected).</summary>
    public FaceEmbedding EmbeddingOf(params string[] faceFileParts) => EmbeddingOf(Pipeline, faceFileParts);

    /// <summary>As <see cref="EmbeddingOf(string[])"/> with the embedder copy <paramref name="model"/>.</summary>
    public FaceEmbedding EmbeddingOf(EmbedderModel model, params string[] faceFileParts) =>
        EmbeddingOf(model == Pipeline.EmbedderModel ? Pipeline : PipelineFor(model), faceFileParts);

    /// <summary>A pipeline like <see cref="Pipeline"/> with the embedder copy <paramref name="model"/>.</summary>
    public FacePipeline PipelineFor(EmbedderModel model) =>
        _others.GetOrAdd(model, m => new Lazy<FacePipeline>(() =>
            new FacePipeline(new FacePipelineOptions { FallbackToCenterCrop = true, IntraOpNumThreads = 1, EmbedderModel = m }))).Value;

    private FaceEmbedding EmbeddingOf(FacePipeline pipeline, string[] faceFileParts)
    {
        var path = SharedFiles.Face(faceFileParts);
        return _embeddings.GetOrAdd(pipeline.EmbedderModel + ":" + path, _ =>
        {
            using var image = Image.Load(path);
            var faces = pipeline.Analyze(image);
            try
            {
                Assert.NotEmpty(faces);
                return pipeline.Embed(faces[0]);
            }
            finally
            {
                foreach (var f in faces)
                {
                    f.Dispose();
                }
            }
        });
    }

    public void Dispose()
    {
        Pipeline.Dispose();
        foreach (var p in _others.Values.Where(p => p.IsValueCreated))
        {
            p.Value.Dispose();
        }
    }
}
