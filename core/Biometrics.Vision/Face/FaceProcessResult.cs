namespace Biometrics.Vision.Face;

/// <summary>Faces found in one encoded image with their embeddings (same order). Owns the analyses: dispose it.</summary>
public sealed class FaceProcessResult : IDisposable
{
    internal FaceProcessResult(int width, int height, IReadOnlyList<FaceAnalysis> faces, IReadOnlyList<FaceEmbedding> embeddings)
    {
        Width = width;
        Height = height;
        Faces = faces;
        Embeddings = embeddings;
    }

    /// <summary>Decoded image width (after EXIF orientation).</summary>
    public int Width { get; }

    /// <summary>Decoded image height.</summary>
    public int Height { get; }

    /// <summary>Analysed faces, largest first.</summary>
    public IReadOnlyList<FaceAnalysis> Faces { get; }

    /// <summary>One embedding per face.</summary>
    public IReadOnlyList<FaceEmbedding> Embeddings { get; }

    /// <summary>Releases the aligned face images.</summary>
    public void Dispose()
    {
        foreach (var face in Faces)
        {
            face.Dispose();
        }
    }
}
