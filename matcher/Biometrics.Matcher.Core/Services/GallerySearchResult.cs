using Biometrics.Matcher.Gallery;

namespace Biometrics.Matcher.Services;

/// <summary>Outcome of <see cref="GalleryRegistry.SearchAsync"/>. Immutable.</summary>
/// <param name="Status">Searched, or why not.</param>
/// <param name="Matches">Best first (empty unless <see cref="GallerySearchStatus.Searched"/>).</param>
/// <param name="Size">Members of the gallery (0 when it does not exist).</param>
/// <param name="ModelId">The model of the gallery's templates (empty when it does not exist).</param>
public readonly record struct GallerySearchResult(GallerySearchStatus Status, GalleryMatch[] Matches, int Size, string ModelId);
