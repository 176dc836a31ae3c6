namespace Biometrics.Matcher.Gallery;

/// <summary>Options of a <see cref="GallerySearchBatcher"/>.</summary>
public sealed record GallerySearchBatcherOptions
{
    /// <summary>Most queries run as one batch or in flight in the shared scan at once (one pass over the gallery memory).</summary>
    public int MaxBatch { get; init; } = 32;

    /// <summary>
    /// How long the batcher waits for more queries after the first one of a plain batch arrives (the shared scan never
    /// waits: late queries join it). Zero (the default) batches only what is already queued, which under load is
    /// everything that arrived while the previous batch ran.
    /// </summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.Zero;

    /// <summary>Scan mode of every batch.</summary>
    public GallerySearchMode Mode { get; init; } = GallerySearchMode.Auto;
}
