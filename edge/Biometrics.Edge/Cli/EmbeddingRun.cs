namespace Biometrics.Edge.Cli;

/// <summary>Outcome of embedding every distinct image.</summary>
internal sealed record EmbeddingRun(IReadOnlyDictionary<string, ImageResult> Results, int NoFace, int Failed, TimeSpan Elapsed, TimeSpan MeanLatency);
