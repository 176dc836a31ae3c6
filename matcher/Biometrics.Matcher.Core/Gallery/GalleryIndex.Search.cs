using System.Runtime.CompilerServices;
using Biometrics.Matcher.Services;

namespace Biometrics.Matcher.Gallery;

/// <summary>Search entry points and the exact float scan.</summary>
public sealed partial class GalleryIndex
{
    /// <summary>
    /// Top-<paramref name="k"/> rows by cosine similarity to <paramref name="query"/> (normalised here), best first;
    /// ties are broken by insertion slot. Returns fewer than k matches only when the gallery holds fewer rows.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong length, NaN/Inf or a zero vector.</exception>
    public GalleryMatch[] Search(ReadOnlySpan<float> query, int k, GallerySearchMode mode = GallerySearchMode.Auto)
    {
        if (query.Length != Dimension)
        {
            throw new ArgumentException($"query length {query.Length} differs from the gallery dimension {Dimension}", nameof(query));
        }

        return SearchBatch(query, k, mode)[0];
    }

    /// <summary>
    /// Searches several queries (<c>n x Dimension</c> floats, row-major) in one pass over the gallery memory: every
    /// block of gallery rows is scored against all queries while it is in cache. Result <c>i</c> belongs to query <c>i</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A length that is not a multiple of the dimension, or an invalid query.</exception>
    public GalleryMatch[][] SearchBatch(ReadOnlySpan<float> queries, int k, GallerySearchMode mode = GallerySearchMode.Auto)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (queries.Length == 0 || queries.Length % Dimension != 0)
        {
            throw new ArgumentException($"queries must hold n x {Dimension} floats, got {queries.Length}", nameof(queries));
        }

        var n = queries.Length / Dimension;
        var qn = SearchScratch.ForCurrentThread().NormalizedFor(queries.Length);
        for (var j = 0; j < n; j++)
        {
            NormalizeInto(queries.Slice(j * Dimension, Dimension), qn.AsSpan(j * Dimension, Dimension), nameof(queries));
        }

        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var count = _idByRow.Count;
            var results = new GalleryMatch[n][];
            if (count == 0)
            {
                for (var j = 0; j < n; j++)
                {
                    results[j] = [];
                }

                return results;
            }

            var kk = Math.Min(k, count);
            var quantized = Dimension <= Int8Kernels.MaxDimension && mode switch
            {
                GallerySearchMode.Exact => false,
                GallerySearchMode.Quantized => true,
                _ => count >= _options.QuantizedMinRows,
            };

            var heaps = quantized ? QuantizedSearch(qn, n, kk, count) : ExactSearch(qn, [.. Enumerable.Range(0, n)], kk, count);
            for (var j = 0; j < n; j++)
            {
                results[j] = ToMatches(heaps[j]);
            }

            return results;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Exact float brute force for the queries listed in <paramref name="queryIndexes"/>; one merged heap per listed query.</summary>
    private TopKHeap[] ExactSearch(float[] qn, int[] queryIndexes, int k, int count)
    {
        var m = queryIndexes.Length;
        var workers = WorkerCount(count);
        var perWorker = new TopKHeap[workers][];
        for (var w = 0; w < workers; w++)
        {
            perWorker[w] = new TopKHeap[m];
            for (var j = 0; j < m; j++)
            {
                perWorker[w][j] = new TopKHeap(k);
            }
        }

        RunPartitioned(count, workers, 1, (w, start, end) => ExactRange(qn, queryIndexes, perWorker[w], start, end));
        return Merge(perWorker, m, k);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ExactRange(float[] qn, int[] queryIndexes, TopKHeap[] heaps, int start, int end)
    {
        var d = Dimension;
        var block = _options.RowBlock;
        for (var r = start; r < end;)
        {
            var seg = Segment(r);
            var off = r & (GallerySegment.Rows - 1);
            var len = Math.Min(Math.Min(end - r, block), GallerySegment.Rows - off);
            for (var j = 0; j < queryIndexes.Length; j++)
            {
                var q = new ReadOnlySpan<float>(qn, queryIndexes[j] * d, d);
                var heap = heaps[j];
                for (var t = 0; t < len; t++)
                {
                    var s = FaceComparer.Similarity(q, seg.FloatRow(off + t));
                    if (s >= heap.Threshold)
                    {
                        heap.Offer(s, r + t);
                    }
                }
            }

            r += len;
        }
    }

    private int WorkerCount(int count) =>
        count >= _options.ParallelMinRows ? Math.Max(1, Math.Min(_options.MaxDegreeOfParallelism, count / 1024)) : 1;

    /// <summary>
    /// Splits [0, count) into <paramref name="workers"/> contiguous ranges whose starts are multiples of
    /// <paramref name="align"/> (a power of two) and runs them (in parallel when more than one).
    /// </summary>
    private static void RunPartitioned(int count, int workers, int align, Action<int, int, int> body)
    {
        if (workers == 1)
        {
            body(0, 0, count);
            return;
        }

        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var start = (int)((long)count * w / workers) & ~(align - 1);
            var end = w == workers - 1 ? count : (int)((long)count * (w + 1) / workers) & ~(align - 1);
            body(w, start, end);
        });
    }

    private static TopKHeap[] Merge(TopKHeap[][] perWorker, int queries, int k)
    {
        if (perWorker.Length == 1)
        {
            return perWorker[0];
        }

        var merged = new TopKHeap[queries];
        for (var j = 0; j < queries; j++)
        {
            var h = new TopKHeap(k);
            foreach (var worker in perWorker)
            {
                var src = worker[j];
                for (var i = 0; i < src.Count; i++)
                {
                    h.Offer(src.Scores[i], src.RowSlots[i]);
                }
            }

            merged[j] = h;
        }

        return merged;
    }

    /// <summary>The heap's entries as matches, best first (ties by row slot); allocates only the result.</summary>
    private GalleryMatch[] ToMatches(TopKHeap heap)
    {
        var n = heap.Count;
        var scores = heap.Scores;
        var rows = heap.RowSlots;
        // One sortable key per entry: the score's bits flipped so that a larger score sorts first, then the row slot.
        var keys = n <= 256 ? stackalloc ulong[n] : new ulong[n];
        for (var i = 0; i < n; i++)
        {
            var bits = BitConverter.SingleToUInt32Bits(scores[i]);
            var ascending = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
            keys[i] = ((ulong)~ascending << 32) | (uint)rows[i];
        }

        keys.Sort();
        var result = new GalleryMatch[n];
        for (var i = 0; i < n; i++)
        {
            var ascending = ~(uint)(keys[i] >> 32);
            var bits = (ascending & 0x8000_0000u) != 0 ? ascending & 0x7FFF_FFFFu : ~ascending;
            result[i] = new GalleryMatch(_idByRow[(int)(uint)keys[i]], BitConverter.UInt32BitsToSingle(bits));
        }

        return result;
    }
}
