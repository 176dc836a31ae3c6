using System.Numerics.Tensors;
using System.Threading.Channels;

namespace Biometrics.Matcher.Gallery;

/// <summary>
/// Lets concurrent 1:N callers share the passes over the gallery memory. Results come back per caller through tasks.
/// </summary>
/// <remarks>
/// <para>Big quantised galleries (at least two <see cref="GalleryIndexOptions.ScanChunkRows"/> steps) are served by a
/// shared circular scan: one loop scans the gallery step by step for every query in flight (up to
/// <see cref="GallerySearchBatcherOptions.MaxBatch"/>); a query arriving meanwhile joins at the next step and leaves
/// once it has gone round, so it waits for one step (about 1 ms at 1,000,000 rows), not for the rest of a pass.
/// Smaller galleries are searched in plain batches of what queued up (one <see cref="GalleryIndex.SearchBatch"/> each).
/// Either way the top-1 is certified equal to the exact search.</para>
/// <para>Thread-safe: any number of callers may call <see cref="SearchAsync"/> concurrently. One background loop runs the
/// scan and the batches (each step or batch itself uses all cores for big galleries). Invalid queries fail alone.</para>
/// </remarks>
public sealed class GallerySearchBatcher : IAsyncDisposable
{
    private readonly GalleryIndex _index;
    private readonly GallerySearchBatcherOptions _options;
    private readonly Channel<Request> _queue = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _loopDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _batches;
    private long _queries;
    private long _scanSteps;

    /// <summary>Starts the batching loop over <paramref name="index"/> (which the caller keeps owning).</summary>
    public GallerySearchBatcher(GalleryIndex index, GallerySearchBatcherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        _index = index;
        _options = options ?? new GallerySearchBatcherOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxWait, TimeSpan.Zero);
        // A dedicated thread, not a thread-pool one: the loop blocks while it scans, and the scan's second worker
        // (Parallel.For) and the callers' continuations need the pool's threads (with the loop on a pool thread the
        // closed-loop bench got 140 instead of 260 queries/s on 2 cores).
        new Thread(Run) { IsBackground = true, Name = $"gallery-scan {index.Name}" }.Start();
    }

    /// <summary>Plain batches run so far plus full passes of the shared scan (queries per pass ~= QueriesRun / BatchesRun).</summary>
    public long BatchesRun => Interlocked.Read(ref _batches);

    /// <summary>Shared-scan steps run so far (tests).</summary>
    internal long ScanSteps => Interlocked.Read(ref _scanSteps);

    /// <summary>Queries answered so far (mean batch size = QueriesRun / BatchesRun).</summary>
    public long QueriesRun => Interlocked.Read(ref _queries);

    /// <summary>Queues one query; completes with its top-<paramref name="k"/> matches, best first.</summary>
    /// <exception cref="ArgumentException">Wrong length, NaN/Inf or a zero vector (thrown synchronously).</exception>
    /// <exception cref="ObjectDisposedException">The batcher was disposed.</exception>
    public Task<GalleryMatch[]> SearchAsync(ReadOnlyMemory<float> query, int k, CancellationToken cancellationToken = default)
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

        var request = new Request(query.ToArray(), k, new TaskCompletionSource<GalleryMatch[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (cancellationToken.CanBeCanceled)
        {
            request.Registration = cancellationToken.Register(static s => ((Request)s!).Completion.TrySetCanceled(), request);
        }

        if (!_queue.Writer.TryWrite(request))
        {
            request.Registration.Dispose();
            throw new ObjectDisposedException(nameof(GallerySearchBatcher));
        }

        return request.Completion.Task;
    }

    /// <summary>Stops accepting queries, answers the queued ones and waits for the loop to end.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loopDone.Task.ConfigureAwait(false);
    }

    private void Run()
    {
        try
        {
            Loop();
            _loopDone.TrySetResult();
        }
        catch (Exception ex)
        {
            _loopDone.TrySetException(ex);
        }
    }

    private void Loop()
    {
        var reader = _queue.Reader;
        var batch = new List<Request>(_options.MaxBatch);
        var active = new List<Request>(_options.MaxBatch);
        var scans = new List<GalleryScanQuery>(_options.MaxBatch);
        var step = 0;
        while (true)
        {
            if (active.Count == 0)
            {
                if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                {
                    break;
                }

                step = 0;
            }

            batch.Clear();
            Drain(reader, batch, _options.MaxBatch - active.Count);
            if (batch.Count > 0)
            {
                if (active.Count > 0 || _index.SharedScanApplies(_options.Mode))
                {
                    Join(batch, active);
                }
                else
                {
                    Gather(reader, batch);
                    RunBatch(batch);
                }
            }

            if (active.Count > 0)
            {
                step = RunStep(active, scans, step);
            }
        }
    }

    /// <summary>Plain batch: with MaxWait, waits a little for more queries after the first one.</summary>
    private void Gather(ChannelReader<Request> reader, List<Request> batch)
    {
        if (_options.MaxWait <= TimeSpan.Zero || batch.Count >= _options.MaxBatch)
        {
            return;
        }

        using var cts = new CancellationTokenSource(_options.MaxWait);
        try
        {
            while (batch.Count < _options.MaxBatch && reader.WaitToReadAsync(cts.Token).AsTask().GetAwaiter().GetResult())
            {
                Drain(reader, batch, _options.MaxBatch - batch.Count);
            }
        }
        catch (OperationCanceledException)
        {
            // the wait window closed: run what we have
        }
    }

    /// <summary>Queries that arrived join the shared scan at its next step.</summary>
    private void Join(List<Request> batch, List<Request> active)
    {
        foreach (var r in batch)
        {
            try
            {
                r.Scan = _index.StartSharedScan(r.Query, r.K);
                active.Add(r);
            }
            catch (Exception ex)
            {
                r.Completion.TrySetException(ex);
                r.Registration.Dispose();
            }
        }
    }

    /// <summary>One step of the shared scan for every query in flight; answers the queries that have seen every row.</summary>
    private int RunStep(List<Request> active, List<GalleryScanQuery> scans, int step)
    {
        active.RemoveAll(r =>
        {
            if (!r.Completion.Task.IsCompleted)
            {
                return false;
            }

            r.Registration.Dispose(); // cancelled while in flight
            return true;
        });
        if (active.Count == 0)
        {
            return step;
        }

        scans.Clear();
        foreach (var r in active)
        {
            scans.Add(r.Scan!);
        }

        try
        {
            step = _index.RunSharedScanStep(scans, step);
            Interlocked.Increment(ref _scanSteps);
            if (step == 0)
            {
                Interlocked.Increment(ref _batches); // one more full pass over the gallery
            }
        }
        catch (Exception ex)
        {
            foreach (var r in active)
            {
                r.Completion.TrySetException(ex);
                r.Registration.Dispose();
            }

            active.Clear();
            return 0;
        }

        for (var i = active.Count - 1; i >= 0; i--)
        {
            var r = active[i];
            if (!r.Scan!.Done)
            {
                continue;
            }

            GalleryMatch[]? result;
            try
            {
                result = _index.FinishSharedScan(r.Scan, r.K, _options.Mode);
                if (result is null)
                {
                    continue; // not certified yet: goes round once more with more candidates
                }
            }
            catch (Exception ex)
            {
                active.RemoveAt(i);
                r.Completion.TrySetException(ex);
                r.Registration.Dispose();
                continue;
            }

            active.RemoveAt(i);
            r.Completion.TrySetResult(Trim(result, r.K));
            Interlocked.Increment(ref _queries);
            r.Registration.Dispose();
        }

        return step;
    }

    private static GalleryMatch[] Trim(GalleryMatch[] r, int k) => r.Length > k ? r[..k] : r;

    private static void Drain(ChannelReader<Request> reader, List<Request> batch, int max)
    {
        while (batch.Count < max && reader.TryRead(out var r))
        {
            if (!r.Completion.Task.IsCompleted)
            {
                batch.Add(r);
            }
        }
    }

    private void RunBatch(List<Request> batch)
    {
        var d = _index.Dimension;
        var queries = new float[batch.Count * d];
        var kmax = 1;
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Query.CopyTo(queries, i * d);
            kmax = Math.Max(kmax, batch[i].K);
        }

        try
        {
            var results = _index.SearchBatch(queries, kmax, _options.Mode);
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _queries, batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                var r = results[i];
                var k = batch[i].K;
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

    private sealed class Request(float[] query, int k, TaskCompletionSource<GalleryMatch[]> completion)
    {
        public float[] Query { get; } = query;

        public int K { get; } = k;

        public TaskCompletionSource<GalleryMatch[]> Completion { get; } = completion;

        public CancellationTokenRegistration Registration { get; set; }

        /// <summary>The query's state in the shared scan, once it has joined.</summary>
        public GalleryScanQuery? Scan { get; set; }
    }
}
