using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;

namespace Biometrics.Edge.Cli;

/// <summary>The one way the commands turn an image file into a template: decode, FacePipeline.Analyze, Embed the largest face.</summary>
internal static class PairEmbedding
{
    /// <exception cref="ImageDecodeException">Not a decodable image.</exception>
    /// <exception cref="InvalidDataException">No face, and the image is too small for the centred-crop fallback.</exception>
    public static (FaceEmbedding Embedding, EmbeddedFace Face) EmbedLargest(FacePipeline pipeline, string path)
    {
        using var image = Image.Load(path);
        var faces = pipeline.Analyze(image);
        try
        {
            if (faces.Count == 0)
            {
                throw new InvalidDataException($"{path}: no face found and the image ({image.Width}x{image.Height}) is too small to embed");
            }

            // Analyze returns faces largest first.
            return (pipeline.Embed(faces[0]), new EmbeddedFace(faces[0].Score, faces[0].IsFallback));
        }
        finally
        {
            foreach (var face in faces)
            {
                face.Dispose();
            }
        }
    }
}
