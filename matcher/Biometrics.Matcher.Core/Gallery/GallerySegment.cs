using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Biometrics.Matcher.Gallery;

/// <summary>
/// A fixed-capacity slab of gallery rows: float vectors and their int8 codes in contiguous aligned native memory
/// (the codes optionally on huge pages), plus per-row quantisation metadata. Segments never move, so growing the gallery
/// never copies rows. Codes are kept in 16-row panels (see <see cref="Int8Kernels"/>), floats row-major.
/// Not thread-safe by itself: <see cref="GalleryIndex"/> guards it with its reader-writer lock.
/// </summary>
internal sealed unsafe class GallerySegment : IDisposable
{
    /// <summary>Rows per segment (a power of two so a row slot splits into segment and offset by shifting; a multiple of 16).</summary>
    public const int RowsShift = 16;
    public const int Rows = 1 << RowsShift;

    private readonly AlignedMemoryHandle _floats;
    private readonly AlignedMemoryHandle _codes;

    public GallerySegment(int dimension, bool hugePages = false)
    {
        Dimension = dimension;
        PanelBytes = Int8Kernels.PanelBytes(dimension);
        // Huge pages (optional) for the codes only: the scan streams them; the floats are read a few hundred rows per
        // query, where huge pages measured no gain, and faulting 2 GB of huge pages made a bulk load of 1,000,000 rows
        // take up to 5 s longer on this machine.
        // Not populated: a segment's pages take memory as its rows are filled (PopulateRows), not all 160 MB at once; a
        // gallery's last segment is mostly empty (a 10,000-row watchlist, a part of a split gallery), docs/SCALING.md.
        _floats = AlignedMemoryHandle.Allocate((nuint)Rows * (nuint)dimension * sizeof(float), populate: false);
        _codes = AlignedMemoryHandle.Allocate((nuint)(Rows / Int8Kernels.PanelRows) * (nuint)PanelBytes, hugePages, populate: false);
        Scale = GC.AllocateArray<float>(Rows, pinned: true);
        ResidualNorm = new float[Rows];
        CodeNorm = new float[Rows];
        CodeSum = GC.AllocateArray<int>(Rows, pinned: true);
    }

    public int Dimension { get; }

    /// <summary>Bytes of one 16-row panel of codes.</summary>
    public int PanelBytes { get; }

    /// <summary>Row-major float vectors (L2-normalised).</summary>
    public float* Floats => (float*)_floats.Pointer;

    /// <summary>int8 codes in 16-row panels: vector ~= Scale[row] * code.</summary>
    public sbyte* Codes => (sbyte*)_codes.Pointer;

    /// <summary>Per-row symmetric scale: max |v| / 127 (pinned, see <see cref="ScalePointer"/>).</summary>
    public float[] Scale { get; }

    /// <summary>Per-row ||v - Scale*code||_2, used to bound the quantised score's error.</summary>
    public float[] ResidualNorm { get; }

    /// <summary>Per-row ||Scale*code||_2.</summary>
    public float[] CodeNorm { get; }

    /// <summary>Per-row sum of the codes, to remove the query offset of the 7-bit query bytes (pinned).</summary>
    public int[] CodeSum { get; }

    /// <summary><see cref="Scale"/> as a pointer (the array lives on the pinned object heap and never moves).</summary>
    public float* ScalePointer => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Scale));

    /// <summary><see cref="CodeSum"/> as a pointer (pinned object heap).</summary>
    public int* CodeSumPointer => (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(CodeSum));

    /// <summary>Faults in the memory of rows [<paramref name="first"/>, <paramref name="end"/>) before a bulk write of them.</summary>
    public void PopulateRows(int first, int end)
    {
        if (end <= first) return;
        _floats.Populate((nuint)first * (nuint)Dimension * sizeof(float), (nuint)(end - first) * (nuint)Dimension * sizeof(float));
        var firstPanel = first / Int8Kernels.PanelRows;
        var endPanel = (end + Int8Kernels.PanelRows - 1) / Int8Kernels.PanelRows;
        _codes.Populate((nuint)firstPanel * (nuint)PanelBytes, (nuint)(endPanel - firstPanel) * (nuint)PanelBytes);
    }

    public Span<float> FloatRow(int offset) => new(Floats + ((nint)offset * Dimension), Dimension);

    /// <summary>The panel holding row <paramref name="offset"/> (offset must be a multiple of 16 for the panel's first row).</summary>
    public sbyte* Panel(int offset) => Codes + ((nint)(offset / Int8Kernels.PanelRows) * PanelBytes);

    /// <summary>Writes the codes and the quantisation metadata of one row.</summary>
    public void WriteCode(int offset, ReadOnlySpan<sbyte> code, float scale, float residualNorm, float codeNorm, int codeSum)
    {
        Int8Kernels.StoreRow(Panel(offset), offset % Int8Kernels.PanelRows, code);
        Scale[offset] = scale;
        ResidualNorm[offset] = residualNorm;
        CodeNorm[offset] = codeNorm;
        CodeSum[offset] = codeSum;
    }

    /// <summary>Reads one row's codes back (tests and swap-remove).</summary>
    public void ReadCode(int offset, Span<sbyte> code) => Int8Kernels.LoadRow(Panel(offset), offset % Int8Kernels.PanelRows, code);

    /// <summary>Copies one row (float, code and metadata) from another slot, for swap-remove.</summary>
    public void CopyRowFrom(GallerySegment source, int sourceOffset, int offset)
    {
        source.FloatRow(sourceOffset).CopyTo(FloatRow(offset));
        var code = Dimension <= 4096 ? stackalloc sbyte[Dimension] : new sbyte[Dimension];
        source.ReadCode(sourceOffset, code);
        WriteCode(offset, code, source.Scale[sourceOffset], source.ResidualNorm[sourceOffset], source.CodeNorm[sourceOffset], source.CodeSum[sourceOffset]);
    }

    public void Dispose()
    {
        _floats.Dispose();
        _codes.Dispose();
    }
}
