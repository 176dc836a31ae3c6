using Biometrics.Matcher.Gallery;

namespace Biometrics.Matcher.Services;

/// <summary>Top-K candidates of a 1:N search. Immutable.</summary>
/// <param name="Candidates">Best first; scores are cosine similarities in [-1, 1].</param>
/// <param name="Gallery">The gallery searched.</param>
/// <param name="GallerySize">Templates searched.</param>
/// <param name="ModelId">Model of the gallery and probe.</param>
/// <param name="WatchlistThreshold">The model's watchlist threshold (NaN when uncalibrated), a hint for the caller.</param>
/// <param name="TransactionId">Audit id.</param>
/// <param name="SearchMs">Search time, milliseconds.</param>
public sealed record IdentifyResult(IReadOnlyList<GalleryMatch> Candidates, string Gallery, long GallerySize, string ModelId, float WatchlistThreshold, string TransactionId, double SearchMs);
