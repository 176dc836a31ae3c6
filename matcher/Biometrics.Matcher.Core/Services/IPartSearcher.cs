namespace Biometrics.Matcher.Services;

/// <summary>
/// Searches the parts of a split gallery that other matchers hold (docs/SCALING.md, "Split galleries"): asks one
/// holder of the part, another when that one does not answer, within the deadline. Implementations are thread-safe.
/// </summary>
public interface IPartSearcher
{
    /// <summary>The top-<paramref name="k"/> of part <paramref name="part"/> of <paramref name="gallery"/>.</summary>
    /// <param name="part">The part, not this matcher's own.</param>
    /// <param name="gallery">A split gallery.</param>
    /// <param name="probe">The resolved (normalised) probe.</param>
    /// <param name="k">Candidates wanted, 1..100.</param>
    /// <param name="deadline">UTC time by which the answer must be in.</param>
    /// <param name="cancellationToken">The call's cancellation.</param>
    /// <exception cref="MatcherException">UNAVAILABLE <c>part_unavailable</c>: no holder of the part answered in time.</exception>
    Task<GallerySearchResult> SearchAsync(int part, string gallery, FaceVector probe, int k, DateTime deadline, CancellationToken cancellationToken);
}
