using System.Runtime.CompilerServices;

namespace Biometrics.Matcher.Gallery;

/// <summary>
/// Bounded min-heap of (score, row) keeping the <c>capacity</c> largest scores offered. Not thread-safe:
/// each search worker owns its heaps.
/// </summary>
internal sealed class TopKHeap
{
    private readonly float[] _scores;
    private readonly int[] _rows;

    public TopKHeap(int capacity)
    {
        _scores = new float[Math.Max(1, capacity)];
        _rows = new int[Math.Max(1, capacity)];
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count { get; private set; }

    public bool IsFull => Count == Capacity;

    /// <summary>The score a new entry must beat to enter (negative infinity while the heap is not full).</summary>
    public float Threshold => Count == Capacity ? _scores[0] : float.NegativeInfinity;

    public void Clear() => Count = 0;

    public ReadOnlySpan<float> Scores => _scores.AsSpan(0, Count);

    public ReadOnlySpan<int> RowSlots => _rows.AsSpan(0, Count);

    /// <summary>Offers an entry; ties keep the lower row slot so results are deterministic.</summary>
    /// <remarks>Fully optimised from the first call, as the scan calling it (docs/PERFORMANCE.md, "Busy lanes": a cold
    /// matcher still ran the heap at tier 0 10-20 s after SERVING).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Offer(float score, int row)
    {
        if (Capacity == 0)
        {
            return;
        }

        if (Count < Capacity)
        {
            var i = Count++;
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                if (!Less(score, row, _scores[parent], _rows[parent]))
                {
                    break;
                }

                _scores[i] = _scores[parent];
                _rows[i] = _rows[parent];
                i = parent;
            }

            _scores[i] = score;
            _rows[i] = row;
            return;
        }

        if (!Less(_scores[0], _rows[0], score, row))
        {
            return;
        }

        SiftDownFromRoot(score, row);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SiftDownFromRoot(float score, int row)
    {
        var i = 0;
        var n = Count;
        while (true)
        {
            var left = (2 * i) + 1;
            if (left >= n)
            {
                break;
            }

            var smallest = left;
            var right = left + 1;
            if (right < n && Less(_scores[right], _rows[right], _scores[left], _rows[left]))
            {
                smallest = right;
            }

            if (!Less(_scores[smallest], _rows[smallest], score, row))
            {
                break;
            }

            _scores[i] = _scores[smallest];
            _rows[i] = _rows[smallest];
            i = smallest;
        }

        _scores[i] = score;
        _rows[i] = row;
    }

    /// <summary>Heap order: lower score first; among equal scores the higher row slot is "smaller" (evicted first).</summary>
    private static bool Less(float s1, int r1, float s2, int r2) => s1 < s2 || (s1 == s2 && r1 > r2);
}
