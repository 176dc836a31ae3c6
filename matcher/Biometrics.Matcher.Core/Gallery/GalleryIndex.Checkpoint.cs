using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Biometrics.Matcher.Gallery;

public sealed partial class GalleryIndex
{
    /// <summary>Bytes of one exported row (<see cref="ExportRows"/>): the normalised float vector, its int8 code
    /// (row-major, not in panels), then scale, residual norm and code norm (float32) and code sum (int32), in the
    /// machine's byte order. A matcher's local gallery checkpoint holds rows in this form (docs/MATCHER.md, "Start-up").</summary>
    public int ExportRowBytes => (Dimension * (sizeof(float) + sizeof(sbyte))) + 16;

    /// <summary>Makes room for <paramref name="rows"/> keys in the key maps (a bulk load that knows its size: no rehashing
    /// of a million-entry map on the way).</summary>
    public void EnsureCapacity(int rows)
    {
        _lock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _rowById.EnsureCapacity(rows);
            if (_idByRow.Capacity < rows) _idByRow.Capacity = rows;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The keys held now, in row order (a copy, taken under the read lock).</summary>
    public string[] SnapshotIds()
    {
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return [.. _idByRow];
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Copies the rows of those of <paramref name="ids"/> still held, as they are held (no re-normalisation or
    /// re-quantisation), into <paramref name="destination"/> one after another (<see cref="ExportRowBytes"/> each), and
    /// marks in <paramref name="found"/> which ids were held. One read-lock hold for the whole call: keep calls small, an
    /// upsert waits for it. Returns the number of rows written.
    /// </summary>
    public int ExportRows(ReadOnlySpan<string> ids, Span<byte> destination, Span<bool> found)
    {
        var rowBytes = ExportRowBytes;
        if (found.Length < ids.Length) throw new ArgumentException("found needs one flag per id", nameof(found));
        if (destination.Length < (long)ids.Length * rowBytes) throw new ArgumentException($"destination needs {ids.Length} x {rowBytes} bytes", nameof(destination));
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var n = 0;
            for (var i = 0; i < ids.Length; i++)
            {
                if (!_rowById.TryGetValue(ids[i], out var row))
                {
                    found[i] = false;
                    continue;
                }

                found[i] = true;
                var seg = Segment(row);
                var off = row & (GallerySegment.Rows - 1);
                var dst = destination.Slice(n * rowBytes, rowBytes);
                MemoryMarshal.AsBytes(seg.FloatRow(off)).CopyTo(dst);
                seg.ReadCode(off, MemoryMarshal.Cast<byte, sbyte>(dst.Slice(Dimension * sizeof(float), Dimension)));
                var meta = dst[(Dimension * (sizeof(float) + 1))..];
                MemoryMarshal.Write(meta, in seg.Scale[off]);
                MemoryMarshal.Write(meta[4..], in seg.ResidualNorm[off]);
                MemoryMarshal.Write(meta[8..], in seg.CodeNorm[off]);
                MemoryMarshal.Write(meta[12..], in seg.CodeSum[off]);
                n++;
            }

            return n;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Inserts or replaces rows exported by <see cref="ExportRows"/> (from a gallery of the same dimension), as they are:
    /// a start from a local checkpoint, which skips the normalisation and quantisation of <see cref="AddRange"/>. The
    /// rows must come from a trusted source (the checkpoint is authenticated): they are not re-validated.
    /// </summary>
    /// <exception cref="ArgumentException">A length mismatch or an empty key (nothing is added then).</exception>
    public void ImportRows(ReadOnlySpan<string> ids, ReadOnlySpan<byte> rows)
    {
        var rowBytes = ExportRowBytes;
        var n = ids.Length;
        if (rows.Length != (long)n * rowBytes) throw new ArgumentException($"expected {n} x {rowBytes} bytes, got {rows.Length}", nameof(rows));
        foreach (var id in ids) ArgumentException.ThrowIfNullOrEmpty(id, nameof(ids));

        _lock.EnterWriteLock();
        try
        {
            _version++;
            ObjectDisposedException.ThrowIf(_disposed, this);
            var idArray = ids.ToArray();
            var slots = BulkRowsLocked(n, i => idArray[i]); // as AddRange: a repeated key keeps its last row

            var chunks = (n + BulkChunk - 1) / BulkChunk;
            var maxRes = new float[Math.Max(1, chunks)];
            var maxCn = new float[Math.Max(1, chunks)];
            unsafe
            {
                fixed (byte* src = rows)
                {
                    var srcPtr = src;
                    Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism },
                        [MethodImpl(MethodImplOptions.AggressiveOptimization)] (c) =>
                        {
                            float mr = 0, mc = 0;
                            var end = Math.Min(n, (c + 1) * BulkChunk);
                            for (var i = c * BulkChunk; i < end; i++)
                            {
                                var slot = slots[i];
                                if (slot < 0) continue;
                                var row = new ReadOnlySpan<byte>(srcPtr + ((long)i * rowBytes), rowBytes);
                                var seg = _segments[slot >> GallerySegment.RowsShift];
                                var off = slot & (GallerySegment.Rows - 1);
                                MemoryMarshal.Cast<byte, float>(row[..(Dimension * sizeof(float))]).CopyTo(seg.FloatRow(off));
                                var meta = row[(Dimension * (sizeof(float) + 1))..];
                                var residual = MemoryMarshal.Read<float>(meta[4..]);
                                var codeNorm = MemoryMarshal.Read<float>(meta[8..]);
                                seg.WriteCode(off, MemoryMarshal.Cast<byte, sbyte>(row.Slice(Dimension * sizeof(float), Dimension)),
                                    MemoryMarshal.Read<float>(meta), residual, codeNorm, MemoryMarshal.Read<int>(meta[12..]));
                                mr = Math.Max(mr, residual);
                                mc = Math.Max(mc, codeNorm);
                            }

                            maxRes[c] = mr;
                            maxCn[c] = mc;
                        });
                }
            }

            _maxResidualNorm = Math.Max(_maxResidualNorm, TensorPrimitives.Max(maxRes));
            _maxCodeNorm = Math.Max(_maxCodeNorm, TensorPrimitives.Max(maxCn));
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }
}
