namespace Biometrics.Matcher.Gallery;

/// <summary>Tuning knobs of a <see cref="GalleryIndex"/>. The defaults suit 512-dimensional face templates.</summary>
public sealed record GalleryIndexOptions
{
    /// <summary>In <see cref="GallerySearchMode.Auto"/>, galleries with at least this many rows use the quantised scan.</summary>
    public int QuantizedMinRows { get; init; } = 20_000;

    /// <summary>Galleries with at least this many rows are split across parallel workers; smaller ones are scanned on the caller's thread.</summary>
    public int ParallelMinRows { get; init; } = 32_768;

    /// <summary>Parallel workers for big galleries (defaults to the processor count).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Minimum number of quantised candidates each worker keeps per query for exact re-ranking.</summary>
    public int MinCandidates { get; init; } = 128;

    /// <summary>Candidates kept per query are max(<see cref="MinCandidates"/>, <see cref="CandidateFactor"/> * k).</summary>
    public int CandidateFactor { get; init; } = 4;

    /// <summary>Rows scored per block before moving on, so a block stays in cache while every query of a batch is scored.</summary>
    public int RowBlock { get; init; } = 64;

    internal void Validate()
    {
        if (QuantizedMinRows < 0 || ParallelMinRows < 0 || MaxDegreeOfParallelism < 1 || MinCandidates < 1 || CandidateFactor < 1 || RowBlock < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(GalleryIndexOptions), "gallery options must be positive");
        }
    }
}
