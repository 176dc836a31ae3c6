using System.Diagnostics;
using Biometrics.Matcher.Gallery;

namespace Biometrics.Matcher.Services;

/// <summary>1:N identification: the top-K subjects of a named in-memory gallery (exact SIMD scan, batched with concurrent
/// queries). Needs no store call, so it keeps answering while the store is down. Thread-safe.</summary>
public sealed class IdentificationService
{
    private readonly FaceResolver _faces;
    private readonly GalleryRegistry _galleries;
    private readonly ModelCatalog _models;
    private readonly AuditTrail _audit;

    /// <summary>Creates the service.</summary>
    public IdentificationService(FaceResolver faces, GalleryRegistry galleries, ModelCatalog models, AuditTrail audit)
    {
        _faces = faces;
        _galleries = galleries;
        _models = models;
        _audit = audit;
    }

    /// <summary>Searches <paramref name="gallery"/> for <paramref name="probe"/>.</summary>
    /// <param name="probe">The face.</param>
    /// <param name="gallery">Gallery name.</param>
    /// <param name="topK">1..100 (0 means 10).</param>
    /// <param name="minScore">Only candidates with score &gt;= this.</param>
    /// <param name="actor">Caller, for the audit record.</param>
    /// <param name="cancellationToken">The call's cancellation.</param>
    /// <exception cref="MatcherException">INVALID_ARGUMENT (bad probe, top_k, no face), NOT_FOUND (unknown gallery),
    /// UNAVAILABLE (galleries not loaded yet).</exception>
    public async Task<IdentifyResult> IdentifyAsync(FaceInput probe, string gallery, int topK, float? minScore, string actor, CancellationToken cancellationToken)
    {
        if (!GalleryNames.IsValid(gallery)) throw MatcherException.Invalid("gallery_name", $"'{GalleryNames.Excerpt(gallery)}' is not a gallery name ([a-z0-9_-]{{1,32}}).");
        if (topK is < 0 or > 100) throw MatcherException.Invalid("top_k", "top_k must be 1..100 (0 means 10).");
        if (minScore is { } ms && !float.IsFinite(ms)) throw MatcherException.Invalid("min_score", "min_score must be finite.");
        var k = topK == 0 ? 10 : topK;
        var face = await _faces.ResolveAsync(probe, "probe", cancellationToken).ConfigureAwait(false)
            ?? throw MatcherException.Invalid("no_face", "No face was found in the probe image.");
        if (!_galleries.IsLoaded) throw MatcherException.Unavailable("The galleries are still loading; try again shortly.");
        var start = Stopwatch.GetTimestamp();
        var result = await _galleries.SearchAsync(gallery, face, k, cancellationToken).ConfigureAwait(false);
        switch (result.Status)
        {
            case GallerySearchStatus.UnknownGallery:
                throw MatcherException.NotFound("gallery_unknown", $"Gallery '{gallery}' does not exist.");
            case GallerySearchStatus.ModelMismatch:
                throw MatcherException.Invalid("model_mismatch", $"Gallery '{gallery}' holds {result.ModelId} templates; the probe is {face.ModelId}.");
        }

        var searchMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        IReadOnlyList<GalleryMatch> candidates = minScore is { } min ? [.. result.Matches.Where(m => m.Score >= min)] : result.Matches;
        var tx = TransactionIds.Next();
        _audit.Record(actor, "Identify", "CANDIDATES:" + candidates.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            candidates.Count > 0 ? candidates[0].Score : null, face.ModelId, tx, candidates.Count > 0 ? candidates[0].SubjectId : null);
        return new IdentifyResult(candidates, gallery, result.Size, result.ModelId, _models.WatchlistThreshold(face.ModelId), tx, searchMs);
    }
}
