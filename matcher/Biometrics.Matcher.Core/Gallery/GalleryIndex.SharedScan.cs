namespace Biometrics.Matcher.Gallery;

/// <summary>
/// The shared (circular) scan behind <see cref="GallerySearchBatcher"/>: instead of batches that each make a whole
/// pass, the gallery is cut into steps of <see cref="GalleryIndexOptions.ScanChunkRows"/> rows handed out in circular
/// order to whichever worker is free, and each step is scored for every query in flight. A query joins at the next
/// step, takes part in one round of steps and leaves, so under load it waits at most one step to start instead of the
/// rest of a pass, each step's rows are still read from memory once for all queries in flight, and no worker waits for
/// another (a worker slowed down by other processes simply takes fewer steps). A write to the gallery while a
/// query is in flight makes it stale; the batcher then starts it again at the new version, and after a few such
/// restarts an ordinary <see cref="SearchBatch"/> answers it (correctness is not traded).
/// </summary>
public sealed partial class GalleryIndex
{
    /// <summary>Most workers a shared scan uses (the parallelism of this index).</summary>
    internal int SharedScanWorkers => _options.MaxDegreeOfParallelism;

    /// <summary>Whether a batcher should drive a shared scan (a big gallery that the quantised scan would serve).</summary>
    internal bool SharedScanApplies(GallerySearchMode mode)
    {
        if (mode == GallerySearchMode.Exact || Dimension > Int8Kernels.MaxDimension)
        {
            return false;
        }

        _lock.EnterReadLock();
        try
        {
            var count = _idByRow.Count;
            return !_disposed
                && count >= 2 * _options.ScanChunkRows
                && (mode == GallerySearchMode.Quantized || count >= _options.QuantizedMinRows);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Normalises and quantises <paramref name="query"/> and sets it up to join the shared scan of <paramref name="workers"/> workers.</summary>
    /// <exception cref="ArgumentException">Wrong length, NaN/Inf or a zero vector.</exception>
    internal GalleryScanQuery StartSharedScan(ReadOnlySpan<float> query, int k, int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var normalized = new float[Dimension];
        NormalizeInto(query, normalized, nameof(query));
        var dp = Int8Kernels.PaddedDimension(Dimension);
        var code = new byte[dp];
        Int8Kernels.QuantizeQuery(normalized, code, _options.QueryBits, out var scale, out var residual);
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var count = _idByRow.Count;
            var kk = Math.Max(1, Math.Min(k, count));
            var heaps = new TopKHeap[workers];
            for (var w = 0; w < workers; w++)
            {
                heaps[w] = new TopKHeap(Candidates(kk, count, 1));
            }

            return new GalleryScanQuery(normalized, code, scale, residual, kk, heaps, Steps(count), _version);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Runs the step with sequence number <paramref name="sequence"/> (rows of step sequence mod Steps) on worker
    /// <paramref name="worker"/> for every query of <paramref name="queries"/>, counting it done for each. Different
    /// workers run different steps at the same time (they touch different heaps of a query).
    /// </summary>
    internal void RunSharedScanStep(IReadOnlyList<GalleryScanQuery> queries, int worker, long sequence)
    {
        var dp = Int8Kernels.PaddedDimension(Dimension);
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var count = _idByRow.Count;
            var live = new List<GalleryScanQuery>(queries.Count);
            foreach (var q in queries)
            {
                if (q.Version != _version)
                {
                    q.Stale = true;
                }
                else
                {
                    live.Add(q);
                }
            }

            if (live.Count == 0)
            {
                return;
            }

            var chunk = _options.ScanChunkRows;
            var start = (int)(sequence % Steps(count)) * chunk;
            var stop = Math.Min(count, start + chunk);
            if (stop > start)
            {
                var n = live.Count;
                // The worker thread's scratch (a step never runs inside another search on the same thread).
                var scratch = SearchScratch.ForCurrentThread();
                scratch.EnsureQueries(n, dp);
                var codes = scratch.QueryCodes;
                var scales = scratch.QueryScale;
                var heaps = scratch.Final;
                for (var j = 0; j < n; j++)
                {
                    live[j].Code.CopyTo(codes, j * dp);
                    scales[j] = live[j].Scale;
                    heaps[j] = live[j].Heaps[worker];
                }

                QuantizedRange(codes, scales, heaps, n, start, stop);
            }

            foreach (var q in live)
            {
                q.StepDone();
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Answers a query that has been through every step: exact re-rank of its candidates and the top-1 certificate, or
    /// a fresh search when the gallery changed under it. Returns null when the first round could not certify it: the
    /// query has been reset to go round once more with 16 times the candidates (the caller sets its new
    /// <see cref="GalleryScanQuery.Join"/>; after that round, the exact scan decides). Call only when no step runs for it.
    /// </summary>
    internal GalleryMatch[]? FinishSharedScan(GalleryScanQuery query, int k, GallerySearchMode mode)
    {
        if (!query.Stale)
        {
            _lock.EnterReadLock();
            try
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (query.Version == _version)
                {
                    var heap = new TopKHeap(query.K);
                    if (!RerankAndCertify(query.Normalized, query.Heaps, query.Residual, heap) && query.Round == 0)
                    {
                        Interlocked.Increment(ref _quantizedRetries);
                        var count = _idByRow.Count;
                        var heaps = new TopKHeap[query.Heaps.Length];
                        for (var w = 0; w < heaps.Length; w++)
                        {
                            heaps[w] = new TopKHeap(Candidates(query.K, count, RetryWiden));
                        }

                        query.Heaps = heaps;
                        query.Round = 1;
                        query.Restart();
                        return null;
                    }

                    heap.Clear();
                    if (!RerankAndCertify(query.Normalized, query.Heaps, query.Residual, heap))
                    {
                        Interlocked.Increment(ref _exactFallbacks);
                        heap = ExactSearch(query.Normalized, [0], query.K, _idByRow.Count)[0];
                    }

                    return ToMatches(heap);
                }
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }

        return SearchBatch(query.Normalized, k, mode)[0];
    }

    private int Steps(int count) => Math.Max(1, (count + _options.ScanChunkRows - 1) / _options.ScanChunkRows);
}
