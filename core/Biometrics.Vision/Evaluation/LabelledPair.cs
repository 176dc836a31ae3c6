namespace Biometrics.Vision.Evaluation;

/// <summary>One line of a pairs file: two image paths (as written in the file) and whether they show the same person.</summary>
public sealed record LabelledPair(string PathA, string PathB, bool Genuine, int LineNumber);
