using Biometrics.Vision.Face;

namespace Biometrics.Edge.Cli;

/// <summary>Embedding of one image of the pairs file: the template, whether the fallback was used, or why it failed.</summary>
internal sealed record ImageResult(FaceEmbedding? Embedding, bool NoFace, string? Error);
