namespace Biometrics.Matcher.Policy;

/// <summary>One labelled comparison: a cosine score and whether both samples show the same person.</summary>
/// <param name="Score">Cosine similarity of the pair.</param>
/// <param name="IsGenuine">True for a same-person (mated) pair, false for an impostor pair.</param>
public readonly record struct LabelledScore(float Score, bool IsGenuine);
