namespace Biometrics.Matcher.Gallery;

/// <summary>Options of a <see cref="GallerySearchBatcher"/>.</summary>
public sealed record GallerySearchBatcherOptions
{
    /// <summary>Most queries run as one batch or in flight in the shared scan at once (one pass over the gallery memory).</summary>
    public int MaxBatch { get; init; } = 32;

    /// <summary>
    /// A plain batch (a gallery too small for the shared scan, such as a watchlist) starts once this many queries are
    /// queued, or once the oldest of them has waited <see cref="MaxWait"/>. A batch of 8 costs about half the CPU per
    /// query of a batch of 1 (the codes are read once per batch), so at thousands of queries a second a watchlist is
    /// screened by one core in batches instead of by every core one query at a time (docs/PERFORMANCE.md, "Gallery index").
    /// </summary>
    public int MinBatch { get; init; } = 8;

    /// <summary>
    /// How long a queued query may wait for <see cref="MinBatch"/> queries before its plain batch starts anyway (the
    /// shared scan never waits: late queries join it). Zero starts a batch with whatever is queued at once.
    /// </summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Worker threads the batcher starts; zero (the default) starts one per core the index may use
    /// (<see cref="GalleryIndexOptions.MaxDegreeOfParallelism"/>).
    /// </summary>
    public int Workers { get; init; }

    /// <summary>Scan mode of every batch.</summary>
    public GallerySearchMode Mode { get; init; } = GallerySearchMode.Auto;
}
