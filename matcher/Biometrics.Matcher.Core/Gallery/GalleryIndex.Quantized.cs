using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

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
/// Otherwise the query is re-run by the exact scan (counted in <see cref="ExactFallbacks"/>).
/// </remarks>
public sealed partial class GalleryIndex
{
    /// <summary>Float rounding allowance on 512-term dot products of unit vectors (generous: about 100 ulps of 1.0 per term group).</summary>
    private const float RoundingAllowance = 1e-4f;

    private unsafe TopKHeap[] QuantizedSearch(float[] qn, int n, int k, int count)
    {
        var d = Dimension;
        var qcodes = GC.AllocateUninitializedArray<short>(n * d, pinned: true);
        var qscale = new float[n];
        var qres = new float[n];
        for (var j = 0; j < n; j++)
        {
            Int8Kernels.QuantizeQuery(new ReadOnlySpan<float>(qn, j * d, d), qcodes.AsSpan(j * d, d), out qscale[j], out qres[j]);
        }

        var candidates = Math.Min(count, Math.Max(_options.MinCandidates, _options.CandidateFactor * k));
        var workers = WorkerCount(count);
        var perWorker = new TopKHeap[workers][];
        for (var w = 0; w < workers; w++)
        {
            perWorker[w] = new TopKHeap[n];
            for (var j = 0; j < n; j++)
            {
                perWorker[w][j] = new TopKHeap(candidates);
            }
        }

        RunPartitioned(count, workers, (w, start, end) => QuantizedRange(qcodes, qscale, perWorker[w], start, end));

        var final = new TopKHeap[n];
        List<int>? fallback = null;
        for (var j = 0; j < n; j++)
        {
            var q = new ReadOnlySpan<float>(qn, j * d, d);
            var heap = new TopKHeap(k);
            var outsideBound = float.NegativeInfinity;
            foreach (var worker in perWorker)
            {
                var src = worker[j];
                if (src.IsFull)
                {
                    outsideBound = Math.Max(outsideBound, src.Threshold);
                }

                foreach (var row in src.RowSlots)
                {
                    var s = TensorPrimitives.Dot(Segment(row).FloatRow(row & (GallerySegment.Rows - 1)), q);
                    heap.Offer(s, row);
                }
            }

            final[j] = heap;
            if (float.IsNegativeInfinity(outsideBound))
            {
                continue; // every row was a candidate: nothing outside to beat the winner
            }

            var bound = (_maxResidualNorm * (1f + RoundingAllowance)) + (qres[j] * _maxCodeNorm) + RoundingAllowance;
            var best = float.NegativeInfinity;
            foreach (var s in heap.Scores)
            {
                best = Math.Max(best, s);
            }

            if (best < outsideBound + bound)
            {
                (fallback ??= []).Add(j);
            }
        }

        if (fallback is not null)
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void QuantizedRange(short[] qcodes, float[] qscale, TopKHeap[] heaps, int start, int end)
    {
        var d = Dimension;
        var n = heaps.Length;
        var block = _options.RowBlock;
        var res = stackalloc int[4];
        fixed (short* qbase = qcodes)
        {
            for (var r = start; r < end;)
            {
                var seg = Segment(r);
                var off = r & (GallerySegment.Rows - 1);
                var len = Math.Min(Math.Min(end - r, block), GallerySegment.Rows - off);
                var codes = seg.Codes + ((nint)off * d);
                var scales = seg.Scale;
                var j = 0;
                for (; j + 4 <= n; j += 4)
                {
                    short* q0 = qbase + ((nint)j * d), q1 = q0 + d, q2 = q1 + d, q3 = q2 + d;
                    TopKHeap h0 = heaps[j], h1 = heaps[j + 1], h2 = heaps[j + 2], h3 = heaps[j + 3];
                    float s0 = qscale[j], s1 = qscale[j + 1], s2 = qscale[j + 2], s3 = qscale[j + 3];
                    for (var t = 0; t < len; t++)
                    {
                        Int8Kernels.Dot4(codes + ((nint)t * d), q0, q1, q2, q3, d, res);
                        var sg = scales[off + t];
                        var row = r + t;
                        var a0 = s0 * sg * res[0];
                        if (a0 > h0.Threshold)
                        {
                            h0.Offer(a0, row);
                        }

                        var a1 = s1 * sg * res[1];
                        if (a1 > h1.Threshold)
                        {
                            h1.Offer(a1, row);
                        }

                        var a2 = s2 * sg * res[2];
                        if (a2 > h2.Threshold)
                        {
                            h2.Offer(a2, row);
                        }

                        var a3 = s3 * sg * res[3];
                        if (a3 > h3.Threshold)
                        {
                            h3.Offer(a3, row);
                        }
                    }
                }

                for (; j < n; j++)
                {
                    var q = qbase + ((nint)j * d);
                    var h = heaps[j];
                    var sq = qscale[j];
                    for (var t = 0; t < len; t++)
                    {
                        var a = sq * scales[off + t] * Int8Kernels.Dot1(codes + ((nint)t * d), q, d);
                        if (a > h.Threshold)
                        {
                            h.Offer(a, r + t);
                        }
                    }
                }

                r += len;
            }
        }
    }
}
