namespace Biometrics.Matcher.Gallery;

/// <summary>
/// Buffers one thread reuses across <see cref="GalleryIndex.SearchBatch"/> calls: the normalised and quantised queries
/// and the candidate heaps. A watchlist screened on every probe is searched thousands of times a second in small
/// batches; allocating these per call was most of the garbage of a search (docs/PERFORMANCE.md, "Gallery index").
/// </summary>
/// <remarks>Not thread-safe: one instance per thread (<see cref="ForCurrentThread"/>), used by one search at a time.</remarks>
internal sealed class SearchScratch
{
    [ThreadStatic]
    private static SearchScratch? _current;

    private TopKHeap[] _heaps = [];

    public float[] Normalized { get; private set; } = [];

    public byte[] QueryCodes { get; private set; } = [];

    public float[] QueryScale { get; private set; } = [];

    public float[] QueryResidual { get; private set; } = [];

    /// <summary>Candidate heaps per worker: the first n of each array are the current search's (arrays may be longer).</summary>
    public TopKHeap[][] PerWorker { get; private set; } = [];

    /// <summary>One final heap per query.</summary>
    public TopKHeap[] Final { get; private set; } = [];

    public TopKHeap[] WorkerHeaps { get; private set; } = [];

    /// <summary>Whether a search on this thread is using the buffers (a nested search, such as the second round, allocates).</summary>
    public bool InUse { get; set; }

    /// <summary>The calling thread's scratch.</summary>
    public static SearchScratch ForCurrentThread() => _current ??= new SearchScratch();

    /// <summary>Room for <paramref name="floats"/> normalised query floats.</summary>
    public float[] NormalizedFor(int floats)
    {
        if (Normalized.Length < floats)
        {
            Normalized = new float[floats];
        }

        return Normalized;
    }

    /// <summary>Room for <paramref name="n"/> quantised queries of <paramref name="paddedDimension"/> bytes (pinned) and their scales.</summary>
    public void EnsureQueries(int n, int paddedDimension)
    {
        if (QueryCodes.Length < n * paddedDimension)
        {
            QueryCodes = GC.AllocateUninitializedArray<byte>(n * paddedDimension, pinned: true);
        }

        if (QueryScale.Length < n)
        {
            QueryScale = new float[Math.Max(n, 32)];
            QueryResidual = new float[Math.Max(n, 32)];
            Final = new TopKHeap[Math.Max(n, 32)];
        }
    }

    /// <summary>
    /// Empty heaps of <paramref name="capacity"/> for <paramref name="workers"/> x <paramref name="n"/> queries in
    /// <see cref="PerWorker"/> (the first n of each array) and of <paramref name="k"/> in <see cref="Final"/>.
    /// </summary>
    public void EnsureHeaps(int workers, int n, int capacity, int k)
    {
        var needed = (workers * n) + n;
        if (_heaps.Length < needed)
        {
            Array.Resize(ref _heaps, needed);
        }

        if (PerWorker.Length != workers || (workers > 0 && PerWorker[0].Length < n))
        {
            PerWorker = new TopKHeap[workers][];
            for (var w = 0; w < workers; w++)
            {
                PerWorker[w] = new TopKHeap[Math.Max(n, 32)];
            }

            WorkerHeaps = new TopKHeap[workers];
        }

        var slot = 0;
        for (var w = 0; w < workers; w++)
        {
            for (var j = 0; j < n; j++)
            {
                PerWorker[w][j] = Take(slot++, capacity);
            }
        }

        for (var j = 0; j < n; j++)
        {
            Final[j] = Take(slot++, k);
        }
    }

    private TopKHeap Take(int slot, int capacity)
    {
        var h = _heaps[slot];
        if (h is null || h.Capacity != capacity)
        {
            h = _heaps[slot] = new TopKHeap(capacity);
        }
        else
        {
            h.Clear();
        }

        return h;
    }
}
