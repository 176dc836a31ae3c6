namespace Biometrics.Matcher.Gallery;

/// <summary>
/// A fixed-capacity slab of gallery rows: float vectors and their int8 codes in contiguous aligned native memory,
/// plus per-row quantisation metadata. Segments never move, so growing the gallery never copies rows.
/// Not thread-safe by itself: <see cref="GalleryIndex"/> guards it with its reader-writer lock.
/// </summary>
internal sealed unsafe class GallerySegment : IDisposable
{
    /// <summary>Rows per segment (a power of two so a row slot splits into segment and offset by shifting).</summary>
    public const int RowsShift = 16;
    public const int Rows = 1 << RowsShift;

    private readonly AlignedMemoryHandle _floats;
    private readonly AlignedMemoryHandle _codes;

    public GallerySegment(int dimension)
    {
        Dimension = dimension;
        _floats = AlignedMemoryHandle.Allocate((nuint)Rows * (nuint)dimension * sizeof(float));
        _codes = AlignedMemoryHandle.Allocate((nuint)Rows * (nuint)dimension);
        Scale = new float[Rows];
        ResidualNorm = new float[Rows];
        CodeNorm = new float[Rows];
    }

    public int Dimension { get; }

    /// <summary>Row-major float vectors (L2-normalised).</summary>
    public float* Floats => (float*)_floats.Pointer;

    /// <summary>Row-major int8 codes: vector ~= Scale[row] * code.</summary>
    public sbyte* Codes => (sbyte*)_codes.Pointer;

    /// <summary>Per-row symmetric scale: max |v| / 127.</summary>
    public float[] Scale { get; }

    /// <summary>Per-row ||v - Scale*code||_2, used to bound the quantised score's error.</summary>
    public float[] ResidualNorm { get; }

    /// <summary>Per-row ||Scale*code||_2.</summary>
    public float[] CodeNorm { get; }

    public Span<float> FloatRow(int offset) => new(Floats + ((nint)offset * Dimension), Dimension);

    public Span<sbyte> CodeRow(int offset) => new(Codes + ((nint)offset * Dimension), Dimension);

    /// <summary>Copies one row (float, code and metadata) from another slot, for swap-remove.</summary>
    public void CopyRowFrom(GallerySegment source, int sourceOffset, int offset)
    {
        source.FloatRow(sourceOffset).CopyTo(FloatRow(offset));
        source.CodeRow(sourceOffset).CopyTo(CodeRow(offset));
        Scale[offset] = source.Scale[sourceOffset];
        ResidualNorm[offset] = source.ResidualNorm[sourceOffset];
        CodeNorm[offset] = source.CodeNorm[sourceOffset];
    }

    public void Dispose()
    {
        _floats.Dispose();
        _codes.Dispose();
    }
}
