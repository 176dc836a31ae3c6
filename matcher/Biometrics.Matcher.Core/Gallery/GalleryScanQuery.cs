namespace Biometrics.Matcher.Gallery;

/// <summary>
/// One query travelling through a shared scan (<see cref="GalleryIndex.StartSharedScan"/>): its normalised vector, its
/// quantised code, one candidate heap per worker and how many scan steps it still needs to have seen every row.
/// Not thread-safe: owned by the one loop that drives the scan.
/// </summary>
internal sealed class GalleryScanQuery
{
    public GalleryScanQuery(float[] normalized, byte[] code, float scale, float residual, int k, TopKHeap[] heaps, int steps, long version)
    {
        Normalized = normalized;
        Code = code;
        Scale = scale;
        Residual = residual;
        K = k;
        Heaps = heaps;
        StepsLeft = steps;
        Version = version;
    }

    /// <summary>The L2-normalised query.</summary>
    public float[] Normalized { get; }

    /// <summary>The query's offset bytes (padded dimension).</summary>
    public byte[] Code { get; }

    /// <summary>Query code scale.</summary>
    public float Scale { get; }

    /// <summary>||q - scale * code||_2, for the certificate.</summary>
    public float Residual { get; }

    /// <summary>Matches wanted (at most the gallery size when the scan started).</summary>
    public int K { get; }

    /// <summary>Candidate heap of each worker.</summary>
    public TopKHeap[] Heaps { get; set; }

    /// <summary>0 for the first round; 1 once it goes round again with more candidates.</summary>
    public int Round { get; set; }

    /// <summary>Scan steps still to run before every row has been scored.</summary>
    public int StepsLeft { get; set; }

    /// <summary>The gallery version the scan started at; a write since then makes the partial scan unusable.</summary>
    public long Version { get; }

    /// <summary>The gallery changed under the scan: the query is answered by a fresh search instead.</summary>
    public bool Stale { get; set; }

    /// <summary>Whether the query needs no more scan steps.</summary>
    public bool Done => Stale || StepsLeft <= 0;
}
