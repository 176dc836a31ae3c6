namespace Biometrics.Matcher.Gallery;

/// <summary>Tuning knobs of a <see cref="GalleryIndex"/>. The defaults suit 512-dimensional face templates.</summary>
public sealed record GalleryIndexOptions
{
    /// <summary>
    /// In <see cref="GallerySearchMode.Auto"/>, galleries with at least this many rows use the quantised scan. Below it the
    /// exact float scan is as cheap as re-ranking the candidates; a 10,000-row watchlist is several times faster quantised
    /// (docs/PERFORMANCE.md, "Gallery index").
    /// </summary>
    public int QuantizedMinRows { get; init; } = 2_048;

    /// <summary>Galleries with at least this many rows are split across parallel workers; smaller ones are scanned on the caller's thread.</summary>
    public int ParallelMinRows { get; init; } = 32_768;

    /// <summary>Parallel workers for big galleries (defaults to the processor count).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Minimum number of quantised candidates each worker keeps per query for exact re-ranking (galleries under
    /// 256 x this many rows keep fewer: one per 256 rows, never fewer than <see cref="CandidateFactor"/> * k).
    /// </summary>
    public int MinCandidates { get; init; } = 128;

    /// <summary>
    /// Candidates kept per query are max(<see cref="MinCandidates"/>, <see cref="CandidateFactor"/> * k). A query whose
    /// top-1 cannot be certified is scanned once more with 16 times as many (a lower threshold, so a wider margin) before
    /// the exact float scan is the last resort.
    /// </summary>
    public int CandidateFactor { get; init; } = 4;

    /// <summary>Rows scored per block before moving on, so a block stays in cache while every query of a batch is scored.</summary>
    public int RowBlock { get; init; } = 64;

    /// <summary>
    /// Bits of the quantised query code: 7 (the default) or 6. The 6-bit kernel adds two groups of pair sums in int16
    /// before widening (about 1.2x the kernel speed), but its coarser query doubles the query term of the error bound:
    /// on uniform-like components that costs nothing, on Gaussian ones most strangers (queries with no mate) then fail
    /// the certificate and need a second round. Either way the top-1 is certified equal to the exact search.
    /// </summary>
    public int QueryBits { get; init; } = 7;

    /// <summary>
    /// Rows per step of the shared scan that <see cref="GallerySearchBatcher"/> runs over big quantised galleries
    /// (a power of two from 16 to 65,536): a query arriving during a scan joins at the next step and wraps around,
    /// so it waits at most one step, not one whole pass. Galleries of fewer than two steps are searched in plain batches.
    /// </summary>
    public int ScanChunkRows { get; init; } = 32_768;

    /// <summary>
    /// Back the int8 codes with transparent huge pages (Linux <c>madvise</c>; off by default). A plain 512 MB read ran at
    /// 46 instead of 27 GB/s with them on a quiet machine, but the whole scan measured the same either way (about 18 ms
    /// per single-query pass of 1,000,000 rows: it is bound elsewhere), while a bulk load of 1,000,000 rows took about
    /// 1 s longer (faulting 512 MB of huge pages).
    /// </summary>
    public bool HugePages { get; init; }

    internal void Validate()
    {
        if (ScanChunkRows < Int8Kernels.PanelRows || ScanChunkRows > GallerySegment.Rows || (ScanChunkRows & (ScanChunkRows - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(GalleryIndexOptions), "ScanChunkRows must be a power of two from 16 to 65,536");
        }

        if (QueryBits is not (Int8Kernels.NarrowQueryBits or Int8Kernels.WideQueryBits))
        {
            throw new ArgumentOutOfRangeException(nameof(GalleryIndexOptions), "QueryBits must be 6 or 7");
        }

        if (QuantizedMinRows < 0 || ParallelMinRows < 0 || MaxDegreeOfParallelism < 1 || MinCandidates < 1 || CandidateFactor < 1 || RowBlock < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(GalleryIndexOptions), "gallery options must be positive");
        }
    }
}
