using Biometrics.Matcher.Policy;

namespace Biometrics.Matcher.Services;

/// <summary>Screens a probe 1:N against the configured watchlist gallery: every entry whose cosine similarity reaches the
/// model's watchlist threshold is a hit. Screening is in memory (no store call). Thread-safe.</summary>
public sealed class WatchlistScreener
{
    private readonly GalleryRegistry _galleries;
    private readonly ModelCatalog _models;
    private readonly MatchingOptions _options;

    /// <summary>Creates the screener.</summary>
    public WatchlistScreener(GalleryRegistry galleries, ModelCatalog models, MatchingOptions options)
    {
        _galleries = galleries;
        _models = models;
        _options = options;
    }

    /// <summary>The hits of <paramref name="probe"/> (empty when none, no watchlist gallery, or no calibrated threshold).</summary>
    public async Task<IReadOnlyList<WatchlistHit>> ScreenAsync(FaceVector probe, CancellationToken cancellationToken)
    {
        var gallery = _options.WatchlistGallery;
        if (gallery.Length == 0) return [];
        var threshold = _models.WatchlistThreshold(probe.ModelId);
        if (!float.IsFinite(threshold)) return [];
        // A watchlist of another model's templates holds nothing comparable: no hits.
        var r = await _galleries.SearchAsync(gallery, probe, _options.MaxWatchlistHits, cancellationToken).ConfigureAwait(false);
        if (r.Status != GallerySearchStatus.Searched) return [];
        List<WatchlistHit>? hits = null;
        foreach (var m in r.Matches)
        {
            if (m.Score < threshold) break;
            (hits ??= []).Add(new WatchlistHit(gallery, m.SubjectId, m.Score, threshold));
        }

        return hits ?? (IReadOnlyList<WatchlistHit>)[];
    }
}
