namespace Biometrics.Matcher.Policy;

/// <summary>A watchlist entry whose cosine similarity with the probe reached the watchlist threshold.</summary>
/// <param name="Gallery">Gallery the hit came from, e.g. "watchlist".</param>
/// <param name="SubjectKey">Pseudonymous key of the entry (never the clear identifier).</param>
/// <param name="Score">Cosine similarity in [-1, 1].</param>
/// <param name="Threshold">The watchlist threshold in force for the model_id.</param>
public sealed record WatchlistHit(string Gallery, string SubjectKey, float Score, float Threshold);
