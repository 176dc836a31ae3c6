namespace Biometrics.Edge.Cli;

/// <summary>Where a command writes (results to <see cref="Out"/>, diagnostics and progress to <see cref="Error"/>) and its cancellation.</summary>
public sealed record CommandContext(TextWriter Out, TextWriter Error, CancellationToken CancellationToken);
