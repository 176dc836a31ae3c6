namespace Biometrics.Matcher.Gallery;

/// <summary>How a <see cref="GalleryIndex"/> scans its rows.</summary>
public enum GallerySearchMode
{
    /// <summary>Quantised scan for large galleries, exact float scan for small ones (the default).</summary>
    Auto = 0,

    /// <summary>Exact brute force in float over every row.</summary>
    Exact = 1,

    /// <summary>
    /// int8 scan (per-vector symmetric scale) keeping a larger candidate set, re-ranked by exact float dot products.
    /// The top-1 result is certified equal to the exact search (falls back to an exact scan when it cannot be).
    /// </summary>
    Quantized = 2,
}
