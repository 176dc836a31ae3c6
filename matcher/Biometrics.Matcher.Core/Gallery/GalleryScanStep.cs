namespace Biometrics.Matcher.Gallery;

/// <summary>
/// One step of the shared scan (<see cref="GallerySearchBatcher"/>) claimed by a worker: its sequence number, the queries
/// it is scored for, when it began, and who finished it first: the worker that claimed it (the owner) or another worker
/// that ran it once more because the owner held it too long (off its core; docs/MATCHER.md, "The shared scan"). Exactly
/// one of the two counts the step done for its queries; the other's result is dropped.
/// </summary>
internal sealed class GalleryScanStep
{
    private const int Running = 0;
    private const int ByOwner = 1;
    private const int ByRescuer = 2;
    private int _state;
    private int _ready;

    public GalleryScanStep(GalleryScanQuery[] queries, int worker, long sequence, long started)
    {
        Queries = queries;
        Worker = worker;
        Sequence = sequence;
        Started = started;
    }

    /// <summary>The queries that take part in the step (its own array: the owner and a rescuer read it).</summary>
    public GalleryScanQuery[] Queries { get; }

    /// <summary>The worker that claimed it, whose heap of each query the step fills.</summary>
    public int Worker { get; }

    /// <summary>The step's sequence number (rows of sequence mod the steps of a round).</summary>
    public long Sequence { get; }

    /// <summary>When the owner claimed it (<see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    public long Started { get; }

    /// <summary>Another worker has taken it up to run once more (guarded by the batcher's lock; at most one rescue).</summary>
    public bool Rescuing { get; set; }

    /// <summary>Whether the owner has saved its queries' heaps as they were before the step, which a rescue starts from.</summary>
    public bool Ready => Volatile.Read(ref _ready) != 0;

    /// <summary>Whether neither the owner nor a rescuer has finished it yet.</summary>
    public bool IsRunning => Volatile.Read(ref _state) == Running;

    /// <summary>Whether a rescuer finished it first.</summary>
    public bool Rescued => Volatile.Read(ref _state) == ByRescuer;

    /// <summary>Marks the saved heaps complete (the owner, before it scores the rows).</summary>
    public void MarkReady() => Volatile.Write(ref _ready, 1);

    /// <summary>Whether the caller finished the step first: true exactly once per step, to the owner or to the rescuer.</summary>
    public bool TryFinish(bool rescuer) => Interlocked.CompareExchange(ref _state, rescuer ? ByRescuer : ByOwner, Running) == Running;
}
