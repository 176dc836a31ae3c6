using System.Diagnostics;
using System.Globalization;
using Biometrics.Matcher.Gallery;

namespace Biometrics.Matcher.Services;

/// <summary>1:N identification: the top-K subjects of a named in-memory gallery (exact SIMD scan, batched with concurrent
/// queries). Needs no store call, so it keeps answering while the store is down. When galleries are split across matchers
/// (docs/SCALING.md, "Split galleries") it searches this matcher's part and asks one holder of every other part, and
/// answers with the gallery's top-K or not at all. Thread-safe.</summary>
public sealed class IdentificationService
{
    private readonly FaceResolver _faces;
    private readonly GalleryRegistry _galleries;
    private readonly ModelCatalog _models;
    private readonly AuditTrail _audit;
    private readonly IPartSearcher? _peers;
    private readonly TimeSpan _defaultDeadline;

    /// <summary>Creates the service. <paramref name="peers"/> searches the other parts of split galleries (needed when the
    /// registry's partition is split); <paramref name="options"/> gives the deadline of a call that has none.</summary>
    public IdentificationService(FaceResolver faces, GalleryRegistry galleries, ModelCatalog models, AuditTrail audit, IPartSearcher? peers = null,
        MatchingOptions? options = null)
    {
        _faces = faces;
        _galleries = galleries;
        _models = models;
        _audit = audit;
        _peers = peers;
        _defaultDeadline = TimeSpan.FromMilliseconds((options ?? new MatchingOptions()).DefaultVerifyDeadlineMs);
        if (galleries.Partition.IsSplit && peers is null) throw new ArgumentException("Split galleries need a part searcher.", nameof(peers));
    }

    /// <summary>Searches <paramref name="gallery"/> for <paramref name="probe"/>.</summary>
    /// <param name="probe">The face.</param>
    /// <param name="gallery">Gallery name.</param>
    /// <param name="topK">1..100 (0 means 10).</param>
    /// <param name="minScore">Only candidates with score &gt;= this.</param>
    /// <param name="actor">Caller, for the audit record.</param>
    /// <param name="deadline">The call's deadline, UTC (<see cref="DateTime.MaxValue"/>: none); bounds the other parts' answers.</param>
    /// <param name="cancellationToken">The call's cancellation.</param>
    /// <exception cref="MatcherException">INVALID_ARGUMENT (bad probe, top_k, no face), NOT_FOUND (unknown gallery),
    /// UNAVAILABLE (galleries not loaded yet; <c>part_unavailable</c>: a part of a split gallery had no holder answering).</exception>
    public async Task<IdentifyResult> IdentifyAsync(FaceInput probe, string gallery, int topK, float? minScore, string actor, DateTime deadline,
        CancellationToken cancellationToken)
    {
        if (!GalleryNames.IsValid(gallery)) throw MatcherException.Invalid("gallery_name", $"'{GalleryNames.Excerpt(gallery)}' is not a gallery name ([a-z0-9_-]{{1,32}}).");
        if (topK is < 0 or > 100) throw MatcherException.Invalid("top_k", "top_k must be 1..100 (0 means 10).");
        if (minScore is { } ms && !float.IsFinite(ms)) throw MatcherException.Invalid("min_score", "min_score must be finite.");
        var k = topK == 0 ? 10 : topK;
        var face = await _faces.ResolveAsync(probe, "probe", cancellationToken).ConfigureAwait(false)
            ?? throw MatcherException.Invalid("no_face", "No face was found in the probe image.");
        if (!_galleries.IsLoaded) throw MatcherException.Unavailable("The galleries are still loading; try again shortly.");
        var start = Stopwatch.GetTimestamp();
        var result = _galleries.Partition.IsWhole(gallery)
            ? await _galleries.SearchAsync(gallery, face, k, cancellationToken).ConfigureAwait(false)
            : await ScatterGatherAsync(gallery, face, k, deadline == DateTime.MaxValue ? DateTime.UtcNow + _defaultDeadline : deadline, cancellationToken).ConfigureAwait(false);
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
        _audit.Record(actor, "Identify", "CANDIDATES:" + candidates.Count.ToString(CultureInfo.InvariantCulture),
            candidates.Count > 0 ? candidates[0].Score : null, face.ModelId, tx, candidates.Count > 0 ? candidates[0].SubjectId : null);
        return new IdentifyResult(candidates, gallery, result.Size, result.ModelId, _models.WatchlistThreshold(face.ModelId), tx, searchMs);
    }

    /// <summary>A peer's search of the part of a split gallery this matcher holds (the other side of
    /// <see cref="IPartSearcher"/>); no audit record (the matcher that answers the Identify writes it).</summary>
    /// <exception cref="MatcherException">FAILED_PRECONDITION <c>part_not_held</c> (this matcher holds another part, or
    /// the gallery is held whole), INVALID_ARGUMENT (bad probe, gallery name or top_k), UNAVAILABLE (galleries loading).</exception>
    public async Task<GallerySearchResult> SearchPartAsync(FaceInput probe, string gallery, int k, int parts, int part, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        if (!GalleryNames.IsValid(gallery)) throw MatcherException.Invalid("gallery_name", $"'{GalleryNames.Excerpt(gallery)}' is not a gallery name ([a-z0-9_-]{{1,32}}).");
        if (k is < 1 or > 100) throw MatcherException.Invalid("top_k", "top_k must be 1..100.");
        var own = _galleries.Partition;
        if (parts != own.Parts || part != own.Part || own.IsWhole(gallery))
        {
            throw new MatcherException(MatcherErrorKind.FailedPrecondition, "part_not_held",
                $"This matcher holds part {own.Part} of {own.Parts} of split galleries, not part {part} of {parts} of '{GalleryNames.Excerpt(gallery)}'.");
        }

        if (probe.IsImage) throw MatcherException.Invalid("images_or_template", "A part search takes an embedding, not an image.");
        var face = await _faces.ResolveAsync(probe, "probe", cancellationToken).ConfigureAwait(false)
            ?? throw MatcherException.Invalid("no_face", "No face was found in the probe.");
        if (!_galleries.IsLoaded) throw MatcherException.Unavailable("The galleries are still loading; try again shortly.");
        return await _galleries.SearchAsync(gallery, face, k, cancellationToken).ConfigureAwait(false);
    }

    // Every part at once (own part here, the others through one holder each), then one top-K over all of them. A part
    // that no holder answered fails the whole call: a "no match" from part of a gallery would be a wrong answer.
    private async Task<GallerySearchResult> ScatterGatherAsync(string gallery, FaceVector face, int k, DateTime deadline, CancellationToken cancellationToken)
    {
        var partition = _galleries.Partition;
        var searches = new Task<GallerySearchResult>[partition.Parts];
        for (var p = 0; p < searches.Length; p++)
        {
            searches[p] = p == partition.Part
                ? _galleries.SearchAsync(gallery, face, k, cancellationToken)
                : _peers!.SearchAsync(p, gallery, face, k, deadline, cancellationToken);
        }

        await ((Task)Task.WhenAll(searches)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        List<int>? missing = null;
        for (var p = 0; p < searches.Length; p++)
        {
            if (searches[p].Exception?.InnerException is MatcherException { Reason: "part_unavailable" }) (missing ??= []).Add(p);
            else if (!searches[p].IsCompletedSuccessfully) await searches[p].ConfigureAwait(false); // cancellation, a bug: as it is
        }

        if (missing is not null)
        {
            throw new MatcherException(MatcherErrorKind.Unavailable, "part_unavailable",
                $"Gallery '{gallery}' is split in {partition.Parts} parts and no holder of part {string.Join(", ", missing)} answered in time; "
                + "no answer is given from part of a gallery. Try again.");
        }

        return Merge(searches.Select(s => s.Result), k);
    }

    /// <summary>The top-<paramref name="k"/> over the parts' answers (best first, ties by subject key): a model mismatch
    /// in any part is the answer; a gallery no part knows is unknown; parts that do not know it count as empty.</summary>
    public static GallerySearchResult Merge(IEnumerable<GallerySearchResult> parts, int k)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var matches = new List<GalleryMatch>();
        long size = 0;
        string? modelId = null;
        foreach (var r in parts)
        {
            if (r.Status == GallerySearchStatus.ModelMismatch) return r;
            if (r.Status != GallerySearchStatus.Searched) continue;
            modelId ??= r.ModelId;
            if (!string.Equals(modelId, r.ModelId, StringComparison.Ordinal)) return new(GallerySearchStatus.ModelMismatch, [], r.Size, r.ModelId);
            size += r.Size;
            matches.AddRange(r.Matches);
        }

        if (modelId is null) return new(GallerySearchStatus.UnknownGallery, [], 0, "");
        matches.Sort(static (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.SubjectId, b.SubjectId));
        if (matches.Count > k) matches.RemoveRange(k, matches.Count - k);
        return new(GallerySearchStatus.Searched, [.. matches], (int)Math.Min(size, int.MaxValue), modelId);
    }
}
