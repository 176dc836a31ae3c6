using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Biometrics.Matcher.Gallery;

/// <summary>
/// One named 1:N gallery (for example "residents" or "watchlist") of templates of a single model_id, held in
/// contiguous native memory: L2-normalised float vectors plus int8 codes, one row per subject key.
/// </summary>
/// <remarks>
/// <para>Scores are cosine similarities (dot products of L2-normalised vectors), higher is more similar.</para>
/// <para>Rows are dense: a delete moves the last row into the hole (swap-remove), so a scan only ever touches live rows.
/// An upsert of an existing key overwrites its row in place.</para>
/// <para>Thread-safety: every member is thread-safe. Searches share a read lock and run concurrently; upserts,
/// deletes and bulk loads take the write lock (they wait for running searches and block new ones briefly).</para>
/// </remarks>
public sealed partial class GalleryIndex : IDisposable
{
    private const float MinNorm = 1e-6f;

    /// <summary>Rows per work item of a bulk load: 16 work items for a snapshot batch of 4,096, so both cores share it.</summary>
    private const int BulkChunk = 256;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly List<GallerySegment> _segments = [];
    private readonly List<string> _idByRow = [];
    private readonly Dictionary<string, int> _rowById = new(StringComparer.Ordinal);
    private readonly GalleryIndexOptions _options;
    private float _maxResidualNorm;
    private float _maxCodeNorm;
    private long _exactFallbacks;
    private long _quantizedRetries;
    private long _version;
    private bool _disposed;

    /// <summary>Creates an empty gallery.</summary>
    /// <param name="name">Gallery name, e.g. "residents" or "watchlist".</param>
    /// <param name="modelId">The model_id of every template in it; probes of another model must never be searched here.</param>
    /// <param name="dimension">Embedding length (512 for the faceplugin feature model).</param>
    /// <param name="options">Tuning; null for the defaults.</param>
    public GalleryIndex(string name, string modelId, int dimension = 512, GalleryIndexOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        _options = options ?? new GalleryIndexOptions();
        _options.Validate();
        Name = name;
        ModelId = modelId;
        Dimension = dimension;
    }

    /// <summary>Gallery name.</summary>
    public string Name { get; }

    /// <summary>The model_id every template in this gallery was produced by.</summary>
    public string ModelId { get; }

    /// <summary>Embedding length.</summary>
    public int Dimension { get; }

    /// <summary>Number of templates currently held.</summary>
    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _idByRow.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>
    /// How many quantised queries could not certify their top-1 against the exact search and were re-run exactly
    /// (expected to stay near zero for real face galleries).
    /// </summary>
    public long ExactFallbacks => Interlocked.Read(ref _exactFallbacks);

    /// <summary>
    /// How many quantised queries could not certify their top-1 with the usual candidates and were scanned once more with
    /// 16 times as many (cheaper than the exact scan; most then certify).
    /// </summary>
    public long QuantizedRetries => Interlocked.Read(ref _quantizedRetries);

    /// <summary>The SIMD instruction set the quantised scan uses on this machine.</summary>
    public static string QuantizedIsa => Int8Kernels.Isa;

    /// <summary>Inserts or replaces the template of <paramref name="subjectId"/>.</summary>
    /// <exception cref="ArgumentException">Wrong length, NaN/Inf, or a zero vector.</exception>
    public void Upsert(string subjectId, ReadOnlySpan<float> embedding)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        var normalized = new float[Dimension];
        NormalizeInto(embedding, normalized, nameof(embedding));
        var code = new sbyte[Dimension];
        Int8Kernels.QuantizeRow(normalized, code, out var scale, out var res, out var cn, out var codeSum);

        _lock.EnterWriteLock();
        try
        {
            _version++;
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_rowById.TryGetValue(subjectId, out var row))
            {
                row = AppendSlot(subjectId);
            }

            WriteRow(row, normalized, code, scale, res, cn, codeSum);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// Bulk upsert for snapshot loading: <paramref name="embeddings"/> holds <c>subjectIds.Count * Dimension</c> floats,
    /// row-major. Normalisation and quantisation run in parallel; the write lock is held for the whole batch.
    /// </summary>
    /// <exception cref="ArgumentException">A length mismatch or an invalid vector (nothing is added then).</exception>
    public void AddRange(IReadOnlyList<string> subjectIds, ReadOnlySpan<float> embeddings)
    {
        ArgumentNullException.ThrowIfNull(subjectIds);
        var n = subjectIds.Count;
        if (embeddings.Length != (long)n * Dimension)
        {
            throw new ArgumentException($"expected {n} x {Dimension} floats, got {embeddings.Length}", nameof(embeddings));
        }

        for (var i = 0; i < n; i++)
        {
            ArgumentException.ThrowIfNullOrEmpty(subjectIds[i], nameof(subjectIds));
        }

        // Validation and the norms on every core (a snapshot load hands over 4,096 rows at a time; one pass per row on the
        // caller's thread was a serial share of the start): the first invalid row, if any, is reported and nothing added.
        var norms = new float[n];
        var firstBad = n;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism };
        var chunks = (n + BulkChunk - 1) / BulkChunk;
        unsafe
        {
            fixed (float* src = embeddings)
            {
                var srcPtr = src;
                Parallel.For(0, chunks, parallel, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (c) =>
                {
                    var end = Math.Min(n, (c + 1) * BulkChunk);
                    for (var i = c * BulkChunk; i < end; i++)
                    {
                        var v = new ReadOnlySpan<float>(srcPtr + ((long)i * Dimension), Dimension);
                        var norm = TensorPrimitives.Norm(v);
                        // NaN or infinity in v makes the norm NaN or infinity.
                        if (!float.IsFinite(norm) || norm < MinNorm)
                        {
                            InterlockedMin(ref firstBad, i);
                            return;
                        }

                        norms[i] = norm;
                    }
                });
            }
        }

        if (firstBad < n)
        {
            var v = embeddings.Slice(firstBad * Dimension, Dimension);
            throw new ArgumentException(
                !TensorPrimitives.IsFiniteAll(v) ? $"embedding {firstBad} contains NaN or infinity"
                : TensorPrimitives.Norm(v) < MinNorm ? $"embedding {firstBad} is a zero vector"
                : $"embedding {firstBad} is too large to normalise", nameof(embeddings));
        }

        _lock.EnterWriteLock();
        try
        {
            _version++;
            ObjectDisposedException.ThrowIf(_disposed, this);
            var rows = BulkRowsLocked(n, i => subjectIds[i]);

            unsafe
            {
                fixed (float* src = embeddings)
                {
                    var srcPtr = src;
                    var maxRes = new float[Math.Max(1, chunks)];
                    var maxCn = new float[Math.Max(1, chunks)];
                    // Optimised from the first call: a start's bulk load is over before tiered compilation would have
                    // replaced tier-0 code (docs/PERFORMANCE.md, "Restart").
                    Parallel.For(0, chunks, parallel, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (c) =>
                    {
                        var start = c * BulkChunk;
                        var end = Math.Min(n, start + BulkChunk);
                        Span<sbyte> code = stackalloc sbyte[Dimension];
                        float mr = 0, mc = 0;
                        for (var i = start; i < end; i++)
                        {
                            var row = rows[i];
                            if (row < 0)
                            {
                                continue;
                            }

                            var seg = _segments[row >> GallerySegment.RowsShift];
                            var off = row & (GallerySegment.Rows - 1);
                            var dst = seg.FloatRow(off);
                            var v = new ReadOnlySpan<float>(srcPtr + ((long)i * Dimension), Dimension);
                            TensorPrimitives.Divide(v, norms[i], dst);
                            Int8Kernels.QuantizeRow(dst, code, out var s, out var r, out var cn, out var sum);
                            seg.WriteCode(off, code, s, r, cn, sum);
                            mr = Math.Max(mr, r);
                            mc = Math.Max(mc, cn);
                        }

                        maxRes[c] = mr;
                        maxCn[c] = mc;
                    });
                    _maxResidualNorm = Math.Max(_maxResidualNorm, TensorPrimitives.Max(maxRes));
                    _maxCodeNorm = Math.Max(_maxCodeNorm, TensorPrimitives.Max(maxCn));
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Removes the template of <paramref name="subjectId"/> (erasure). Returns false when it was not present.</summary>
    public bool Remove(string subjectId)
    {
        ArgumentNullException.ThrowIfNull(subjectId);
        _lock.EnterWriteLock();
        try
        {
            _version++;
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_rowById.Remove(subjectId, out var row))
            {
                return false;
            }

            var last = _idByRow.Count - 1;
            if (row != last)
            {
                var lastId = _idByRow[last];
                Segment(row).CopyRowFrom(Segment(last), last & (GallerySegment.Rows - 1), row & (GallerySegment.Rows - 1));
                _idByRow[row] = lastId;
                _rowById[lastId] = row;
            }

            _idByRow.RemoveAt(last);
            Segment(last).FloatRow(last & (GallerySegment.Rows - 1)).Clear();
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Whether a template is held for <paramref name="subjectId"/>.</summary>
    public bool Contains(string subjectId)
    {
        ArgumentNullException.ThrowIfNull(subjectId);
        _lock.EnterReadLock();
        try
        {
            return _rowById.ContainsKey(subjectId);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Copies the stored (normalised) template of <paramref name="subjectId"/> into <paramref name="destination"/>.</summary>
    public bool TryCopyTemplate(string subjectId, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(subjectId);
        if (destination.Length < Dimension)
        {
            throw new ArgumentException($"destination needs {Dimension} floats", nameof(destination));
        }

        _lock.EnterReadLock();
        try
        {
            if (!_rowById.TryGetValue(subjectId, out var row))
            {
                return false;
            }

            Segment(row).FloatRow(row & (GallerySegment.Rows - 1)).CopyTo(destination);
            return true;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Frees the native memory. Searches must not be running.</summary>
    public void Dispose()
    {
        _lock.EnterWriteLock();
        try
        {
            _version++;
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var s in _segments)
            {
                s.Dispose();
            }

            _segments.Clear();
            _idByRow.Clear();
            _rowById.Clear();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private static void InterlockedMin(ref int location, int value)
    {
        var current = Volatile.Read(ref location);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current) return;
            current = seen;
        }
    }

    private GallerySegment Segment(int row) => _segments[row >> GallerySegment.RowsShift];

    // The row of each of a bulk write's n keys (appended when new), -1 for a key repeated later in the batch: the last
    // occurrence wins, so no two workers write one row. (A set of the batch's rows, not a flag per gallery row: that was a
    // 1 MB large-object array per batch at 1,000,000.) The appended rows' memory is faulted in with one call per segment
    // before they are written, instead of a page fault per 4 KiB while they are (segments are mapped unpopulated,
    // GallerySegment). Under the write lock.
    private int[] BulkRowsLocked(int n, Func<int, string> idAt)
    {
        var rows = new int[n];
        var appendedFrom = _idByRow.Count;
        for (var i = 0; i < n; i++)
        {
            var id = idAt(i);
            rows[i] = _rowById.TryGetValue(id, out var existing) ? existing : AppendSlot(id);
        }

        for (var row = appendedFrom; row < _idByRow.Count;)
        {
            var end = Math.Min(_idByRow.Count, ((row >> GallerySegment.RowsShift) + 1) << GallerySegment.RowsShift);
            _segments[row >> GallerySegment.RowsShift].PopulateRows(row & (GallerySegment.Rows - 1), ((end - 1) & (GallerySegment.Rows - 1)) + 1);
            row = end;
        }

        var taken = new HashSet<int>(n);
        for (var i = n - 1; i >= 0; i--)
        {
            if (!taken.Add(rows[i])) rows[i] = -1;
        }

        return rows;
    }
    private int AppendSlot(string subjectId)
    {
        var row = _idByRow.Count;
        if ((row >> GallerySegment.RowsShift) >= _segments.Count)
        {
            _segments.Add(new GallerySegment(Dimension, _options.HugePages));
        }

        _idByRow.Add(subjectId);
        _rowById[subjectId] = row;
        return row;
    }

    private void WriteRow(int row, ReadOnlySpan<float> normalized, ReadOnlySpan<sbyte> code, float scale, float residual, float codeNorm, int codeSum)
    {
        var seg = Segment(row);
        var off = row & (GallerySegment.Rows - 1);
        normalized.CopyTo(seg.FloatRow(off));
        seg.WriteCode(off, code, scale, residual, codeNorm, codeSum);
        _maxResidualNorm = Math.Max(_maxResidualNorm, residual);
        _maxCodeNorm = Math.Max(_maxCodeNorm, codeNorm);
    }

    private void NormalizeInto(ReadOnlySpan<float> source, Span<float> destination, string paramName)
    {
        if (source.Length != Dimension)
        {
            throw new ArgumentException($"embedding length {source.Length} differs from the gallery dimension {Dimension}", paramName);
        }

        if (!TensorPrimitives.IsFiniteAll(source))
        {
            throw new ArgumentException("embedding contains NaN or infinity", paramName);
        }

        var norm = TensorPrimitives.Norm(source);
        if (norm < MinNorm)
        {
            throw new ArgumentException("embedding is a zero vector", paramName);
        }

        TensorPrimitives.Divide(source, norm, destination);
    }
}
