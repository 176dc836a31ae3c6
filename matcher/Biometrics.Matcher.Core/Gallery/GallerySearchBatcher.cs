using System.Numerics.Tensors;

namespace Biometrics.Matcher.Gallery;

/// <summary>
/// Lets concurrent 1:N callers share the passes over the gallery memory. Results come back per caller through tasks.
/// </summary>
/// <remarks>
/// <para>Big quantised galleries (at least two <see cref="GalleryIndexOptions.ScanChunkRows"/> steps) are served by a
/// shared circular scan: the worker threads (one per core) take the gallery's steps in circular order, each step scored
/// for every query in flight (up to <see cref="GallerySearchBatcherOptions.MaxBatch"/>); a query arriving meanwhile
/// joins at the next step and is answered once it has taken part in one round of steps, so it waits for one step
/// (about 1 ms at 1,000,000 rows), not for the rest of a pass, and the workers never wait for each other. Smaller
/// galleries (a watchlist) are searched in plain batches (one <see cref="GalleryIndex.SearchBatch"/> each): a batch starts
/// once <see cref="GallerySearchBatcherOptions.MinBatch"/> queries are queued or the oldest has waited
/// <see cref="GallerySearchBatcherOptions.MaxWait"/>, and a second worker takes the next batch only while the first is
/// still scanning, so the cores are shared with the callers instead of filled with batches of one.
/// Either way the top-1 is certified equal to the exact search.</para>
/// <para>Thread-safe: any number of callers may call <see cref="SearchAsync"/> concurrently. The batcher owns its worker
/// threads (dedicated, not the thread pool's: they block while they scan, and the pool stays free for the callers'
/// continuations). Invalid queries fail alone.</para>
/// </remarks>
public sealed class GallerySearchBatcher : IAsyncDisposable
{
    private readonly GalleryIndex _index;
    private readonly GallerySearchBatcherOptions _options;
    private readonly object _gate = new();
    private readonly List<Request> _pending = [];
    private readonly List<Request> _active = [];
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Rounds a query may restart because the gallery changed under it before a plain search answers it.</summary>
    private const int MaxStaleRestarts = 2;

    private readonly int _workers;
    private int _running;
    private int _idle; // workers asleep in Loop, waiting for queries (guarded by _gate)
    private bool _timing; // a worker sleeps until the oldest queued query has waited MaxWait (guarded by _gate)
    private readonly long _maxWaitTicks;
    private long _cursor;
    private bool _completed;
    private long _batches;
    private long _queries;
    private long _scanSteps;

    /// <summary>Starts the worker threads over <paramref name="index"/> (which the caller keeps owning).</summary>
    public GallerySearchBatcher(GalleryIndex index, GallerySearchBatcherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        _index = index;
        _options = options ?? new GallerySearchBatcherOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MinBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxWait, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(_options.Workers);
        _maxWaitTicks = (long)(_options.MaxWait.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        var workers = _options.Workers > 0 ? _options.Workers : Math.Max(1, index.SharedScanWorkers);
        _workers = workers;
        _running = workers;
        for (var w = 0; w < workers; w++)
        {
            var worker = w;
            new Thread(() => Run(worker)) { IsBackground = true, Name = $"gallery-scan {index.Name} {w}" }.Start();
        }
    }

    /// <summary>Plain batches run so far plus full passes of the shared scan (queries per pass ~= QueriesRun / BatchesRun).</summary>
    public long BatchesRun => Interlocked.Read(ref _batches);

    /// <summary>Queries answered so far.</summary>
    public long QueriesRun => Interlocked.Read(ref _queries);

    /// <summary>Shared-scan steps run so far, all workers together (tests).</summary>
    internal long ScanSteps => Interlocked.Read(ref _scanSteps);

    /// <summary>Queues one query; completes with its top-<paramref name="k"/> matches, best first.</summary>
    /// <remarks>The batcher reads <paramref name="query"/> until the task completes (as a stream reads the buffer given to
    /// <see cref="Stream.WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>): do not change it meanwhile. It is not
    /// copied: at 15,000 watchlist probes/s a 2 KB copy per probe was most of the batcher's garbage, a gen0 collection
    /// every 2 s (docs/PERFORMANCE.md, "Gallery index (1:N)").</remarks>
    /// <exception cref="ArgumentException">Wrong length, NaN/Inf or a zero vector (thrown synchronously).</exception>
    /// <exception cref="ObjectDisposedException">The batcher was disposed.</exception>
    public Task<GalleryMatch[]> SearchAsync(ReadOnlyMemory<float> query, int k, CancellationToken cancellationToken = default) =>
        SearchAsync(query, k, cancellationToken, null);

    /// <summary>As the public overload; a plain batch answering the query fills <paramref name="stamps"/> (benchmarks).</summary>
    internal Task<GalleryMatch[]> SearchAsync(ReadOnlyMemory<float> query, int k, CancellationToken cancellationToken, SearchStamps? stamps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var span = query.Span;
        if (span.Length != _index.Dimension)
        {
            throw new ArgumentException($"query length {span.Length} differs from the gallery dimension {_index.Dimension}", nameof(query));
        }

        if (!TensorPrimitives.IsFiniteAll(span) || TensorPrimitives.Norm(span) < 1e-6f)
        {
            throw new ArgumentException("query contains NaN/infinity or is a zero vector", nameof(query));
        }

        var request = new Request(query, k, new TaskCompletionSource<GalleryMatch[]>(TaskCreationOptions.RunContinuationsAsynchronously))
        {
            Queued = System.Diagnostics.Stopwatch.GetTimestamp(),
            Stamps = stamps,
        };
        if (stamps is not null)
        {
            stamps.Queued = request.Queued;
        }

        if (cancellationToken.CanBeCanceled)
        {
            request.Registration = cancellationToken.Register(static s => ((Request)s!).Completion.TrySetCanceled(), request);
        }

        lock (_gate)
        {
            if (_completed)
            {
                request.Registration.Dispose();
                throw new ObjectDisposedException(nameof(GallerySearchBatcher));
            }

            _pending.Add(request);
            if (_idle > 0 && (_pending.Count == 1 || _pending.Count == _options.MinBatch))
            {
                // One sleeping worker is enough, and only when there is something new for it: the first query (it
                // starts the query's MaxWait, or the shared scan) and a full MinBatch (the plain batch can start). A
                // busy worker looks at the queue before it sleeps. A wake-up per query cost a futex call and a context
                // switch per probe at 15,000 watchlist probes/s.
                Monitor.Pulse(_gate);
            }
        }

        return request.Completion.Task;
    }

    /// <summary>Stops accepting queries, answers the queued ones and waits for the worker threads to end.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }

        await _stopped.Task.ConfigureAwait(false);
    }

    private void Run(int worker)
    {
        try
        {
            Loop(worker);
        }
        catch (Exception ex)
        {
            // Not expected (every request's failure is caught below); fail what is left rather than hang callers.
            lock (_gate)
            {
                foreach (var r in _pending.Concat(_active))
                {
                    r.Completion.TrySetException(ex);
                }

                _pending.Clear();
                _active.Clear();
            }
        }
        finally
        {
            if (Interlocked.Decrement(ref _running) == 0)
            {
                _stopped.TrySetResult();
            }
        }
    }

    private void Loop(int worker)
    {
        var mine = new List<GalleryScanQuery>(_options.MaxBatch);
        var plain = new List<Request>(_options.MaxBatch);
        var finish = new List<Request>();
        var queries = new float[_options.MaxBatch * _index.Dimension];
        while (true)
        {
            mine.Clear();
            plain.Clear();
            finish.Clear();
            long sequence = -1;
            lock (_gate)
            {
                while (true)
                {
                    Admit(plain);
                    _active.RemoveAll(static r => r.Completion.Task.IsCompleted && !r.Scan!.Claimed && Release(r)); // cancelled
                    foreach (var r in _active)
                    {
                        var scan = r.Scan!;
                        if (!scan.Claimed && scan.Done)
                        {
                            scan.Claimed = true;
                            finish.Add(r);
                        }
                    }

                    if (finish.Count == 0)
                    {
                        // Take the next step if any query in flight takes part in it.
                        foreach (var r in _active)
                        {
                            if (r.Scan!.TakesPart(_cursor))
                            {
                                mine.Add(r.Scan);
                            }
                        }

                        if (mine.Count > 0)
                        {
                            sequence = _cursor++;
                        }
                    }

                    if (mine.Count > 0 || plain.Count > 0 || finish.Count > 0)
                    {
                        break;
                    }

                    if (_completed && _pending.Count == 0 && _active.Count == 0)
                    {
                        Monitor.PulseAll(_gate);
                        return;
                    }

                    _idle++;
                    if (_pending.Count > 0 && !_timing)
                    {
                        // Queries wait for a plain batch to fill: wake when the oldest has waited MaxWait, unless a
                        // full batch wakes this worker first.
                        var left = _pending[0].Queued + _maxWaitTicks - System.Diagnostics.Stopwatch.GetTimestamp();
                        _timing = true;
                        Monitor.Wait(_gate, Math.Max(1, (int)Math.Ceiling(left * 1000.0 / System.Diagnostics.Stopwatch.Frequency)));
                        _timing = false;
                    }
                    else
                    {
                        Monitor.Wait(_gate);
                    }

                    _idle--;
                }
            }

            if (plain.Count > 0)
            {
                plain.RemoveAll(static r => r.Completion.Task.IsCompleted && Release(r)); // cancelled while queued
                RunBatch(plain, queries);
            }

            foreach (var r in finish)
            {
                Finish(r);
            }

            if (mine.Count > 0)
            {
                RunStep(mine, worker, sequence);
            }
        }
    }

    /// <summary>
    /// Moves queued queries into the shared scan, or into a plain batch of this worker's (small galleries: every worker
    /// runs its own batches, so both cores answer a watchlist). Under the gate.
    /// </summary>
    private void Admit(List<Request> plain)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var shared = _active.Count > 0 || _index.SharedScanApplies(_options.Mode);

        if (!shared && !_completed && _pending.Count < _options.MinBatch
            && System.Diagnostics.Stopwatch.GetTimestamp() - _pending[0].Queued < _maxWaitTicks)
        {
            return; // the plain batch is still filling
        }

        var room = _options.MaxBatch - (shared ? _active.Count : 0);
        var take = Math.Min(room, _pending.Count);

        if (take <= 0)
        {
            return;
        }

        for (var i = 0; i < take; i++)
        {
            var r = _pending[i];
            if (r.Completion.Task.IsCompleted)
            {
                r.Registration.Dispose(); // cancelled while queued
            }
            else if (!shared)
            {
                plain.Add(r);
            }
            else
            {
                try
                {
                    r.Scan = _index.StartSharedScan(r.Query.Span, r.K, _workers);
                    r.Scan.Join = _cursor;
                    if (r.Stamps is { } stamps)
                    {
                        r.Scan.Stamps = stamps;
                        stamps.Joined = System.Diagnostics.Stopwatch.GetTimestamp();
                    }

                    _active.Add(r);
                }
                catch (Exception ex)
                {
                    r.Completion.TrySetException(ex);
                    r.Registration.Dispose();
                }
            }
        }

        _pending.RemoveRange(0, take);
        if (shared)
        {
            Monitor.PulseAll(_gate); // the other workers have new queries to scan
        }
        else if (_pending.Count > 0 && _idle > 0)
        {
            Monitor.Pulse(_gate); // the rest of the queue for a sleeping worker
        }
    }

    /// <summary>One step of the shared scan for every query that takes part in it.</summary>
    private void RunStep(List<GalleryScanQuery> scans, int worker, long sequence)
    {
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            _index.RunSharedScanStep(scans, worker, sequence);
            Stamp(scans, worker, started);
            Interlocked.Increment(ref _scanSteps);
            if ((sequence + 1) % scans[0].Steps == 0)
            {
                Interlocked.Increment(ref _batches); // one more full pass over the gallery
            }
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                foreach (var r in _active)
                {
                    if (scans.Contains(r.Scan!))
                    {
                        r.Completion.TrySetException(ex);
                        r.Scan!.Stale = true; // nothing more to scan; a worker releases it
                    }
                }

                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Adds a finished step (begun at <paramref name="started"/>) to the stamps of the queries that carry them (benchmarks).</summary>
    private static void Stamp(List<GalleryScanQuery> scans, int worker, long started)
    {
        var ended = 0L;
        foreach (var scan in scans)
        {
            if (scan.Stamps is not { } s)
            {
                continue;
            }

            ended = ended == 0 ? System.Diagnostics.Stopwatch.GetTimestamp() : ended;
            Interlocked.CompareExchange(ref s.Started, started, 0);
            InterlockedMax(ref s.ScanEnd, ended);
            InterlockedMax(ref s.LongestStep, ended - started);
            Interlocked.Increment(ref s.Steps);
            Interlocked.Add(ref s.StepQueries, scans.Count);
            if (worker == 0)
            {
                Interlocked.Increment(ref s.StepsWorker0);
            }
        }

        static void InterlockedMax(ref long target, long value)
        {
            var seen = Volatile.Read(ref target);
            while (value > seen)
            {
                var was = Interlocked.CompareExchange(ref target, value, seen);
                if (was == seen)
                {
                    return;
                }

                seen = was;
            }
        }
    }

    /// <summary>Answers a query that has seen every row (or sends it round again); the caller claimed it.</summary>
    private void Finish(Request r)
    {
        GalleryMatch[]? result = null;
        Exception? error = null;
        GalleryScanQuery? restart = null;
        if (!r.Completion.Task.IsCompleted)
        {
            try
            {
                if (r.Scan!.Stale && r.Restarts < MaxStaleRestarts)
                {
                    // The gallery changed under it (a bulk load, say): go round again at the new version with the
                    // other queries instead of a pass of its own; after a few tries a plain search answers it.
                    restart = _index.StartSharedScan(r.Query.Span, r.K, _workers);
                }
                else
                {
                    result = _index.FinishSharedScan(r.Scan!, r.K, _options.Mode);
                }
            }
            catch (Exception ex)
            {
                error = ex;
            }
        }

        lock (_gate)
        {
            if (restart is not null && !r.Completion.Task.IsCompleted)
            {
                r.Restarts++;
                restart.Join = _cursor;
                restart.Stamps = r.Stamps;
                r.Scan = restart;
                Monitor.PulseAll(_gate);
                return;
            }

            if (restart is null && result is null && error is null && !r.Completion.Task.IsCompleted)
            {
                r.Scan!.Join = _cursor; // not certified yet: goes round once more with more candidates
                r.Scan.Claimed = false;
                Monitor.PulseAll(_gate);
                return;
            }

            _active.Remove(r);
            Monitor.PulseAll(_gate); // room for queued queries
        }

        if (error is not null)
        {
            r.Completion.TrySetException(error);
        }
        else if (result is not null)
        {
            if (r.Stamps is { } stamps)
            {
                stamps.Finished = System.Diagnostics.Stopwatch.GetTimestamp();
            }

            if (r.Completion.TrySetResult(result.Length > r.K ? result[..r.K] : result))
            {
                Interlocked.Increment(ref _queries);
            }
        }

        r.Registration.Dispose();
    }

    private void RunBatch(List<Request> batch, float[] queries)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var d = _index.Dimension;
        var kmax = 1;
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Query.Span.CopyTo(queries.AsSpan(i * d, d));
            kmax = Math.Max(kmax, batch[i].K);
        }

        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var results = _index.SearchBatch(queries.AsSpan(0, batch.Count * d), kmax, _options.Mode);
            var finished = System.Diagnostics.Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _queries, batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                var r = results[i];
                var k = batch[i].K;
                if (batch[i].Stamps is { } stamps)
                {
                    (stamps.Started, stamps.Finished, stamps.Batch, stamps.Worker) = (started, finished, batch.Count, Environment.CurrentManagedThreadId);
                }

                batch[i].Completion.TrySetResult(r.Length > k ? r[..k] : r);
            }
        }
        catch (Exception ex)
        {
            foreach (var r in batch)
            {
                r.Completion.TrySetException(ex);
            }
        }
        finally
        {
            foreach (var r in batch)
            {
                r.Registration.Dispose();
            }
        }
    }

    private static bool Release(Request r)
    {
        r.Registration.Dispose();
        return true;
    }

    private sealed class Request(ReadOnlyMemory<float> query, int k, TaskCompletionSource<GalleryMatch[]> completion)
    {
        /// <summary>The caller's query, read until the request completes (not copied).</summary>
        public ReadOnlyMemory<float> Query { get; } = query;

        public int K { get; } = k;

        public TaskCompletionSource<GalleryMatch[]> Completion { get; } = completion;

        public CancellationTokenRegistration Registration { get; set; }

        /// <summary>The query's state in the shared scan, once it has joined.</summary>
        public GalleryScanQuery? Scan { get; set; }

        /// <summary>How often the query went round again because the gallery changed under it.</summary>
        public int Restarts { get; set; }

        /// <summary>When the query was queued (<see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
        public long Queued { get; init; }

        public SearchStamps? Stamps { get; init; }
    }
}

/// <summary>
/// Where one query's time went (<see cref="System.Diagnostics.Stopwatch"/> timestamps), for benchmarks. A plain batch
/// sets Started and Finished around the batch; the shared scan sets Joined (admitted to the scan), Started (its first step
/// began), ScanEnd (its last step ended), Finished (answered after the re-rank) and the step counters.
/// </summary>
internal sealed class SearchStamps
{
    public long Queued;
    public long Started;
    public long Finished;
    public int Batch;
    public int Worker;
    public long Joined;
    public long ScanEnd;
    public long LongestStep;
    public int Steps;
    public int StepQueries;
    public int StepsWorker0;
}
