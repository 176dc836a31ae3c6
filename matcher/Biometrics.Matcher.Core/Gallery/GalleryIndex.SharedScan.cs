namespace Biometrics.Matcher.Gallery;

/// <summary>
/// The shared (circular) scan behind <see cref="GallerySearchBatcher"/>: instead of batches that each make a whole
/// pass, one loop scans the gallery step by step (<see cref="GalleryIndexOptions.ScanChunkRows"/> rows, split across
/// the workers) for every query in flight. A query joins at the next step, goes once around the gallery and leaves,
/// so under load it waits at most one step to start instead of the rest of a pass, and each step's rows are still
/// read from memory once for all queries in flight. A write to the gallery while a query is in flight makes it stale;
/// it is then answered by an ordinary <see cref="SearchBatch"/> (writes are rare, correctness is not traded).
/// </summary>
public sealed partial class GalleryIndex
{
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

    /// <summary>Normalises and quantises <paramref name="query"/> and sets it up to join the shared scan at any step.</summary>
    /// <exception cref="ArgumentException">Wrong length, NaN/Inf or a zero vector.</exception>
    internal GalleryScanQuery StartSharedScan(ReadOnlySpan<float> query, int k)
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
            var candidates = Candidates(kk, count, 1);
            var heaps = new TopKHeap[WorkerCount(count)];
            for (var w = 0; w < heaps.Length; w++)
            {
                heaps[w] = new TopKHeap(candidates);
            }

            var steps = (count + _options.ScanChunkRows - 1) / _options.ScanChunkRows;
            return new GalleryScanQuery(normalized, code, scale, residual, kk, heaps, steps, _version);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Runs scan step <paramref name="step"/> (rows [step * ScanChunkRows, ...)) for every query of
    /// <paramref name="queries"/> that still needs it and returns the next step (wrapping to 0 after the last one).
    /// </summary>
    internal int RunSharedScanStep(IReadOnlyList<GalleryScanQuery> queries, int step)
    {
        var dp = Int8Kernels.PaddedDimension(Dimension);
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var count = _idByRow.Count;
            var chunk = _options.ScanChunkRows;
            var steps = Math.Max(1, (count + chunk - 1) / chunk);
            if (step >= steps)
            {
                step = 0;
            }

            var live = new List<GalleryScanQuery>(queries.Count);
            foreach (var q in queries)
            {
                if (q.Done)
                {
                    continue;
                }

                if (q.Version != _version)
                {
                    q.Stale = true;
                    continue;
                }

                live.Add(q);
            }

            var start = step * chunk;
            var end = Math.Min(count, start + chunk);
            if (live.Count > 0 && end > start)
            {
                var n = live.Count;
                var workers = live[0].Heaps.Length; // same version, same count, same worker split
                var codes = GC.AllocateUninitializedArray<byte>(n * dp, pinned: true);
                var scales = new float[n];
                var heaps = new TopKHeap[workers][];
                for (var w = 0; w < workers; w++)
                {
                    heaps[w] = new TopKHeap[n];
                }

                for (var j = 0; j < n; j++)
                {
                    live[j].Code.CopyTo(codes, j * dp);
                    scales[j] = live[j].Scale;
                    for (var w = 0; w < workers; w++)
                    {
                        heaps[w][j] = live[j].Heaps[w];
                    }
                }

                RunPartitioned(end - start, workers, Int8Kernels.PanelRows, (w, s, e) => QuantizedRange(codes, scales, heaps[w], start + s, start + e));
            }

            foreach (var q in live)
            {
                q.StepsLeft--;
            }

            return step + 1 >= steps ? 0 : step + 1;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Answers a query that has been through every step: exact re-rank of its candidates and the top-1 certificate, or
    /// a fresh search when the gallery changed under it. Returns null when the first round could not certify it: the
    /// query has been reset to go round once more with 16 times the candidates (after that, the exact scan decides).
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
                    if (!RerankAndCertify(query.Normalized, query.Heaps, query.Residual, query.K, out var heap) && query.Round == 0)
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
                        query.StepsLeft = (count + _options.ScanChunkRows - 1) / _options.ScanChunkRows;
                        return null;
                    }

                    if (!RerankAndCertify(query.Normalized, query.Heaps, query.Residual, query.K, out heap))
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
}
