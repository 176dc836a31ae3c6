using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Biometrics.Matcher.Services;

namespace Biometrics.Matcher.Gallery;

/// <summary>
/// The int8 scan with exact re-ranking and its top-1 certificate.
/// </summary>
/// <remarks>
/// For a normalised query q and a row g with codes ĝ = s·c, |q·g − q̂·ĝ| ≤ ‖q‖·‖g − ĝ‖ + ‖q − q̂‖·‖ĝ‖ (Cauchy–Schwarz),
/// so every approximate score is within B = max‖g − ĝ‖ + ‖q − q̂‖·max‖ĝ‖ of the real dot product. A row that did not
/// make any worker's candidate heap has an approximate score ≤ T (the largest full-heap threshold), hence a real score
/// ≤ T + B. If the best re-ranked candidate's exact float score is ≥ T + B + ε (ε covers float rounding of the exact
/// dot products), no row outside the candidates can beat it, and top-1 equals the exact float search's top-1.
/// Otherwise the query is scanned once more with 16 times the candidates (counted in <see cref="QuantizedRetries"/>), and
/// only if that cannot certify it either, re-run by the exact scan (counted in <see cref="ExactFallbacks"/>).
/// </remarks>
public sealed partial class GalleryIndex
{
    /// <summary>Float rounding allowance on 512-term dot products of unit vectors (generous: about 100 ulps of 1.0 per term group).</summary>
    private const float RoundingAllowance = 1e-4f;

    /// <summary>Candidate multiplier of the second quantised round for queries the first round could not certify.</summary>
    private const int RetryWiden = 16;

    /// <summary>
    /// The int8 scan of <paramref name="n"/> normalised queries, re-ranked and certified; one heap of the top k per query.
    /// The first round of a search runs on the calling thread's <see cref="SearchScratch"/> (no per-call buffers), so the
    /// returned heaps are valid until the thread's next search; a second round allocates its own.
    /// </summary>
    private unsafe TopKHeap[] QuantizedSearch(float[] qn, int n, int k, int count, int widen = 1)
    {
        var d = Dimension;
        var dp = Int8Kernels.PaddedDimension(d);
        var scratch = SearchScratch.ForCurrentThread();
        var pooled = widen == 1 && !scratch.InUse;
        if (!pooled)
        {
            scratch = new SearchScratch();
        }

        scratch.InUse = true;
        try
        {
            scratch.EnsureQueries(n, dp);
            var qcodes = scratch.QueryCodes;
            var qscale = scratch.QueryScale;
            var qres = scratch.QueryResidual;
            for (var j = 0; j < n; j++)
            {
                Int8Kernels.QuantizeQuery(new ReadOnlySpan<float>(qn, j * d, d), qcodes.AsSpan(j * dp, dp), _options.QueryBits, out qscale[j], out qres[j]);
            }

            var candidates = Candidates(k, count, widen);
            var workers = WorkerCount(count);
            scratch.EnsureHeaps(workers, n, candidates, k);
            var perWorker = scratch.PerWorker;
            if (workers == 1)
            {
                QuantizedRange(qcodes, qscale, perWorker[0], n, 0, count);
            }
            else
            {
                RunPartitioned(count, workers, Int8Kernels.PanelRows, (w, start, end) => QuantizedRange(qcodes, qscale, perWorker[w], n, start, end));
            }

            var final = pooled ? scratch.Final : new TopKHeap[n];
            List<int>? fallback = null;
            var workerHeaps = scratch.WorkerHeaps;
            for (var j = 0; j < n; j++)
            {
                for (var w = 0; w < workers; w++)
                {
                    workerHeaps[w] = perWorker[w][j];
                }

                if (!RerankAndCertify(new ReadOnlySpan<float>(qn, j * d, d), workerHeaps, qres[j], scratch.Final[j]))
                {
                    (fallback ??= []).Add(j);
                }

                final[j] = scratch.Final[j];
            }

            return Fallback(qn, k, count, widen, final, fallback);
        }
        finally
        {
            scratch.InUse = false;
        }
    }

    /// <summary>Answers the queries the first round could not certify: a second, wider round, then the exact scan.</summary>
    private TopKHeap[] Fallback(float[] qn, int k, int count, int widen, TopKHeap[] final, List<int>? fallback)
    {
        var d = Dimension;
        if (fallback is not null && widen == 1)
        {
            // Second round with many more candidates: a lower threshold leaves a wider margin for the certificate.
            Interlocked.Add(ref _quantizedRetries, fallback.Count);
            var again = new float[fallback.Count * d];
            for (var i = 0; i < fallback.Count; i++)
            {
                Array.Copy(qn, fallback[i] * d, again, i * d, d);
            }

            var retried = QuantizedSearch(again, fallback.Count, k, count, RetryWiden);
            for (var i = 0; i < fallback.Count; i++)
            {
                final[fallback[i]] = retried[i];
            }
        }
        else if (fallback is not null)
        {
            Interlocked.Add(ref _exactFallbacks, fallback.Count);
            var exact = ExactSearch(qn, [.. fallback], k, count);
            for (var i = 0; i < fallback.Count; i++)
            {
                final[fallback[i]] = exact[i];
            }
        }

        return final;
    }

    /// <summary>Rows of the gallery per candidate at most, below <see cref="GalleryIndexOptions.MinCandidates"/> (small galleries).</summary>
    private const int RowsPerCandidate = 256;

    /// <summary>
    /// Candidates each worker keeps per query (times <paramref name="widen"/> in the second round): at least
    /// <see cref="GalleryIndexOptions.CandidateFactor"/> * k, and <see cref="GalleryIndexOptions.MinCandidates"/> for big
    /// galleries; a small one keeps at most one candidate per 256 rows, so that the candidate heap and the exact re-rank
    /// stay a small part of its scan (a 10,000-row watchlist: 40 for k = 10 instead of 128, twice the probes per second;
    /// docs/PERFORMANCE.md, "Gallery index").
    /// </summary>
    private int Candidates(int k, int count, int widen) =>
        Math.Max(1, Math.Min(count, Math.Max(Math.Min(_options.MinCandidates, count / RowsPerCandidate), _options.CandidateFactor * k) * widen));

    /// <summary>
    /// Re-ranks the candidates of every worker's heap for one query by exact float dot products into
    /// <paramref name="heap"/> (empty; its capacity is the k wanted), and returns whether its top-1 is certified (no row outside the candidates can beat it).
    /// Call under the read lock.
    /// </summary>
    private bool RerankAndCertify(ReadOnlySpan<float> q, TopKHeap[] workerHeaps, float queryResidual, TopKHeap heap)
    {
        var outsideBound = float.NegativeInfinity;
        foreach (var src in workerHeaps)
        {
            if (src.IsFull)
            {
                outsideBound = Math.Max(outsideBound, src.Threshold);
            }

            foreach (var row in src.RowSlots)
            {
                var s = FaceComparer.Similarity(q, Segment(row).FloatRow(row & (GallerySegment.Rows - 1)));
                heap.Offer(s, row);
            }
        }

        if (float.IsNegativeInfinity(outsideBound))
        {
            return true; // every row was a candidate: nothing outside to beat the winner
        }

        var bound = (_maxResidualNorm * (1f + RoundingAllowance)) + (queryResidual * _maxCodeNorm) + RoundingAllowance;
        var best = float.NegativeInfinity;
        foreach (var s in heap.Scores)
        {
            best = Math.Max(best, s);
        }

        return best >= outsideBound + bound;
    }

    /// <summary>
    /// Scores rows [start, end) (start a multiple of 16) against the first <paramref name="n"/> queries, panel by panel: each 16-row panel is
    /// scored against up to eight queries at a time while it is in L1, the raw integer sums are corrected for the query
    /// offset, scaled, and compared with each query's heap threshold sixteen rows at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void QuantizedRange(byte[] qcodes, float[] qscale, TopKHeap[] heaps, int n, int start, int end)
    {
        const int P = Int8Kernels.PanelRows;
        var dp = Int8Kernels.PaddedDimension(Dimension);
        var groups = dp / Int8Kernels.GroupDims;
        var bits = _options.QueryBits;
        var queryOffset = Int8Kernels.QueryOffset(bits);
        var raw = stackalloc int[Int8Kernels.MaxTile * P];
        var approx = stackalloc float[P];
        fixed (byte* qbase = qcodes)
        {
            for (var r = start; r < end;)
            {
                var seg = Segment(r);
                var off = r & (GallerySegment.Rows - 1);
                var segEnd = Math.Min(end, r - off + GallerySegment.Rows);
                var scales = seg.ScalePointer;
                var sums = seg.CodeSumPointer;
                var panelBytes = seg.PanelBytes;
                var panel = seg.Panel(off);
                for (; r < segEnd; r += P, off += P, panel += panelBytes)
                {
                    var valid = segEnd - r >= P ? 0xFFFFu : (1u << (segEnd - r)) - 1;
                    var scaleLo = Vector256.Load(scales + off);
                    var scaleHi = Vector256.Load(scales + off + 8);
                    var offsetLo = Vector256.Load(sums + off) * queryOffset;
                    var offsetHi = Vector256.Load(sums + off + 8) * queryOffset;
                    var next = r + P < segEnd ? panel + panelBytes : panel;
                    for (var j = 0; j < n; j += Int8Kernels.MaxTile)
                    {
                        var t = Math.Min(Int8Kernels.MaxTile, n - j);
                        Int8Kernels.ScorePanel(panel, qbase + ((nint)j * dp), t, groups, raw, bits, j == 0 ? next : panel);
                        for (var jj = 0; jj < t; jj++)
                        {
                            var h = heaps[j + jj];
                            var sq = qscale[j + jj];
                            var lo = Vector256.ConvertToSingle(Vector256.Load(raw + (jj * P)) - offsetLo) * (scaleLo * sq);
                            var hi = Vector256.ConvertToSingle(Vector256.Load(raw + (jj * P) + 8) - offsetHi) * (scaleHi * sq);
                            var th = Vector256.Create(h.Threshold);
                            var mask = (Vector256.GreaterThan(lo, th).ExtractMostSignificantBits()
                                | (Vector256.GreaterThan(hi, th).ExtractMostSignificantBits() << 8)) & valid;
                            if (mask == 0)
                            {
                                continue;
                            }

                            lo.Store(approx);
                            hi.Store(approx + 8);
                            while (mask != 0)
                            {
                                var i = BitOperations.TrailingZeroCount(mask);
                                mask &= mask - 1;
                                var a = approx[i];
                                if (a > h.Threshold)
                                {
                                    h.Offer(a, r + i);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
