namespace Biometrics.Edge.Cli;

/// <summary>Summary of the face an embedding came from (the aligned image itself is not kept).</summary>
internal readonly record struct EmbeddedFace(float Score, bool IsFallback);
