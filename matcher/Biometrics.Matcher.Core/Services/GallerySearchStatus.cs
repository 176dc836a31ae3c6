namespace Biometrics.Matcher.Services;

/// <summary>How a <see cref="GalleryRegistry.SearchAsync"/> went.</summary>
public enum GallerySearchStatus
{
    /// <summary>The gallery was searched; the matches are the answer (none when it is empty).</summary>
    Searched,

    /// <summary>No gallery of that name on this replica.</summary>
    UnknownGallery,

    /// <summary>The gallery holds another model's templates: nothing in it is comparable with the probe.</summary>
    ModelMismatch,
}
