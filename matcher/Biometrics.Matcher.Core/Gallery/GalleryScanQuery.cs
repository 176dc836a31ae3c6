namespace Biometrics.Matcher.Gallery;

/// <summary>
/// One query travelling through a shared scan (<see cref="GalleryIndex.StartSharedScan"/>): its normalised vector, its
/// quantised code, one candidate heap per scan worker, and which of the scan's steps it takes part in.
/// </summary>
/// <remarks>
/// The scan hands out steps in order (sequence numbers 0, 1, 2, ..., step = sequence mod <see cref="Steps"/>); a query
/// that joins when the next sequence number is J takes part in J .. J + Steps - 1, which cover every row once. Worker w
/// alone touches Heaps[w] during a step; the batcher's lock orders joining, claiming and finishing.
/// </remarks>
internal sealed class GalleryScanQuery
{
    private int _completed;

    public GalleryScanQuery(float[] normalized, byte[] code, float scale, float residual, int k, TopKHeap[] heaps, int steps, long version)
    {
        Normalized = normalized;
        Code = code;
        Scale = scale;
        Residual = residual;
        K = k;
        Heaps = heaps;
        Steps = steps;
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

    /// <summary>Candidate heap of each scan worker.</summary>
    public TopKHeap[] Heaps { get; set; }

    /// <summary>Steps of one round over the gallery (at the version the scan started at).</summary>
    public int Steps { get; }

    /// <summary>The first step sequence number this query takes part in (set by the batcher when it joins).</summary>
    public long Join { get; set; }

    /// <summary>Steps finished for this query.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>0 for the first round; 1 once it goes round again with more candidates.</summary>
    public int Round { get; set; }

    /// <summary>The gallery version the scan started at; a write since then makes the partial scan unusable.</summary>
    public long Version { get; }

    /// <summary>The gallery changed under the scan: the query is answered by a fresh search instead.</summary>
    public bool Stale { get; set; }

    /// <summary>Where the query's time goes (benchmarks; null otherwise): the batcher stamps its steps.</summary>
    public SearchStamps? Stamps { get; set; }

    /// <summary>Taken by the worker that finishes the query (guarded by the batcher's lock).</summary>
    public bool Claimed { get; set; }

    /// <summary>Whether the query needs no more steps.</summary>
    public bool Done => Stale || Completed >= Steps;

    /// <summary>Whether the step with sequence number <paramref name="sequence"/> is one of this query's.</summary>
    public bool TakesPart(long sequence) => !Stale && !Claimed && sequence >= Join && sequence < Join + Steps;

    /// <summary>Counts one finished step (a full fence: the heap updates are visible before the count).</summary>
    public void StepDone() => Interlocked.Increment(ref _completed);

    /// <summary>Starts a new round: no step finished yet.</summary>
    public void Restart() => Interlocked.Exchange(ref _completed, 0);
}
