using System.Collections.Concurrent;
using Biometrics.Testing;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;

namespace Biometrics.Vision.Tests.Face;

/// <summary>Loads the face models once for all face tests and caches embeddings of the shared photos.</summary>
public sealed class FacePipelineFixture : IDisposable
{
    private readonly ConcurrentDictionary<string, FaceEmbedding> _embeddings = new(StringComparer.Ordinal);

    public FacePipelineFixture()
    {
        Pipeline = new FacePipeline(new FacePipelineOptions { FallbackToCenterCrop = true, IntraOpNumThreads = 1 });
    }

    public FacePipeline Pipeline { get; }

    /// <summary>The embedding of the largest face of a shared photo (centred-crop fallback when nothing is detected).</summary>
    public FaceEmbedding EmbeddingOf(params string[] faceFileParts)
    {
        var path = SharedFiles.Face(faceFileParts);
        return _embeddings.GetOrAdd(path, p =>
        {
            using var image = Image.Load(p);
            var faces = Pipeline.Analyze(image);
            try
            {
                Assert.NotEmpty(faces);
                return Pipeline.Embed(faces[0]);
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

    public void Dispose() => Pipeline.Dispose();
}
